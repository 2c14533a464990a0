// libFuzzer target: parse_config on arbitrary YAML text, then the round trip minidl relies on
// for config.yaml and resumes: the resolved config, written and read back, resolves to the
// same text. An error on the first read is the expected answer to a bad config; anything else
// escaping, a sanitizer report, a leak or a round trip that differs is a finding. Lines after a
// line "#overrides" are command-line overrides, one per line, applied to the text before it.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "minidl/experiment/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace minidl;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  if (const size_t mark = text.find("\n#overrides\n"); mark != std::string::npos) {
    size_t start = mark + 13;
    while (start < text.size()) {
      const size_t end = std::min(text.find('\n', start), text.size());
      overrides.push_back(text.substr(start, end - start));
      start = end + 1;
    }
    text.resize(mark + 1);
  }
  std::string resolved;
  try {
    resolved = experiment::to_yaml_text(experiment::parse_config(text, "fuzz.yaml", overrides));
  } catch (const Error&) {
    return 0;
  }
  std::string again;
  try {
    again = experiment::to_yaml_text(experiment::parse_config(resolved, "fuzz.yaml"));
  } catch (const Error& e) {
    fuzz::finding("the resolved config does not load back: " + std::string(e.what()) + "\n--- resolved:\n" + resolved);
  }
  if (again != resolved)
    fuzz::finding("the resolved config changes when read back\n--- first:\n" + resolved + "--- then:\n" + again);
  return 0;
}
