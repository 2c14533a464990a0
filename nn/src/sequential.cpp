#include "minidl/nn/sequential.hpp"

#include "minidl/core/error.hpp"

namespace minidl::nn {

Sequential& Sequential::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(size()), std::move(module));
  return *this;
}

Variable Sequential::forward(const Variable& input) {
  Variable x = input;
  for (const auto& [_, module] : named_children()) x = module->forward(x);
  return x;
}

Module& Sequential::operator[](size_t i) const {
  if (i >= size())
    throw IndexError("Sequential: index " + std::to_string(i) + " out of range for " +
                     std::to_string(size()) + " modules");
  return *named_children()[i].second;
}

void Sequential::throw_wrong_type(size_t i) const {
  throw ValueError("Sequential: module " + std::to_string(i) + " is " + (*this)[i].name() +
                   ", not the requested type");
}

}  // namespace minidl::nn
