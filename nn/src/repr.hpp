#pragma once
// Python-style formatting of constructor arguments for Module::extra_repr.
#include <charconv>
#include <string>

namespace minidl::nn::detail {

/// The shortest text that reads back as `value`, with ".0" on whole numbers, as Python's
/// repr prints floats: 0.5, 0.01, 1.0, 1e-05.
inline std::string format_float(float value) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  std::string out(buf, end);
  if (out.find_first_of(".enia") == std::string::npos) out += ".0";
  return out;
}

/// "True" / "False".
inline const char* format_bool(bool value) { return value ? "True" : "False"; }

}  // namespace minidl::nn::detail
