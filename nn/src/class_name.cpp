#include "class_name.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <string_view>
#include <typeindex>
#include <unordered_map>

namespace minidl::nn::detail {

namespace {

std::string demangled_class_name(const std::type_info& type) {
  int status = 0;
  const std::unique_ptr<char, decltype(&std::free)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), &std::free);
  std::string_view name = status == 0 && demangled ? demangled.get() : type.name();
  // Template arguments may hold "::" themselves, so they go first, then the qualification.
  name = name.substr(0, name.find('<'));
  if (const size_t colons = name.rfind("::"); colons != std::string_view::npos) name.remove_prefix(colons + 2);
  return std::string(name);
}

}  // namespace

std::string class_name(const std::type_info& type) {
  // A loss passes its name to its op on every call (for the op's errors): demangling each time
  // cost 0.13 us a call, where the name literals it replaced cost a copy. Each thread keeps the
  // names it has made.
  thread_local std::unordered_map<std::type_index, std::string> names;
  auto [it, added] = names.try_emplace(std::type_index(type));
  if (added) it->second = demangled_class_name(type);
  return it->second;
}

}  // namespace minidl::nn::detail
