#pragma once
// The name a C++ class is declared with, as Python's type(self).__name__ gives a module's.
#include <string>
#include <typeinfo>

namespace minidl::nn::detail {

/// The class's own name without namespaces or template arguments: "Linear" for
/// minidl::nn::Linear, "Residual" for (anonymous namespace)::Residual.
std::string class_name(const std::type_info& type);

}  // namespace minidl::nn::detail
