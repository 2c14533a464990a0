#include "class_name.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <string_view>

namespace minidl::nn::detail {

std::string class_name(const std::type_info& type) {
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free);
  std::string_view name = status == 0 && demangled ? demangled.get() : type.name();
  // Template arguments may hold "::" themselves, so they go first, then the qualification.
  name = name.substr(0, name.find('<'));
  if (const size_t colons = name.rfind("::"); colons != std::string_view::npos) name.remove_prefix(colons + 2);
  return std::string(name);
}

}  // namespace minidl::nn::detail
