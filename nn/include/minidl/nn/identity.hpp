#pragma once
// Identity: returns its input; a placeholder where a model slot may hold no layer.
#include <string_view>

#include "minidl/nn/module.hpp"

namespace minidl::nn {

/// forward(x) is x itself (the same variable, so gradients flow straight through).
class Identity : public Module {
 public:
  static constexpr std::string_view doc = "returns its input";
  Variable forward(const Variable& input) override;
};

}  // namespace minidl::nn
