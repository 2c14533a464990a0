#include "minidl/nn/sequential.hpp"

#include "minidl/core/error.hpp"

namespace minidl::nn {

Sequential& Sequential::push_back(std::shared_ptr<Module> module) {
  register_module(std::to_string(size()), std::move(module));
  return *this;
}

// A module followed by an activation it can apply itself runs the pair in one pass (conv2d +
// sigmoid: the activation costs no pass over memory of its own, forward or backward).
Variable Sequential::forward(const Variable& input) {
  Variable x = input;
  const auto& children = named_children();
  for (size_t i = 0; i < children.size(); ++i) {
    Module& module = *children[i].second;
    if (i + 1 < children.size()) {
      const Activation next = children[i + 1].second->fusable_activation();
      const int64_t pool = i + 2 < children.size() ? children[i + 2].second->fusable_average_pool() : 1;
      if (next != Activation::None && pool > 1)
        if (Variable fused = module.forward_activated(x, next, pool); fused.defined()) {
          x = std::move(fused);
          i += 2;
          continue;
        }
      if (next != Activation::None)
        if (Variable fused = module.forward_activated(x, next, 1); fused.defined()) {
          x = std::move(fused);
          ++i;
          continue;
        }
    }
    x = module.forward(x);
  }
  return x;
}

Scores Sequential::outputs() const {
  const auto& children = named_children();
  return children.empty() ? Scores::Unknown : children.back().second->outputs();
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
