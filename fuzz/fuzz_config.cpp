// libFuzzer target: parse_config on arbitrary YAML text, then the round trip minidl relies on
// for config.yaml and resumes: the resolved config, written and read back, resolves to the
// same text. An error on the first read is the expected answer to a bad config; anything else
// escaping, a sanitizer report, a leak or a round trip that differs is a finding.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "minidl/experiment/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace minidl;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string resolved;
  try {
    resolved = experiment::to_yaml_text(experiment::parse_config(text, "fuzz.yaml"));
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
