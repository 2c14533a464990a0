#include "minidl/nn/flatten.hpp"

#include "minidl/autograd/ops.hpp"

namespace minidl::nn {

Variable Flatten::forward(const Variable& input) { return flatten(input, start_dim_, end_dim_); }

std::string Flatten::extra_repr() const {
  return "start_dim=" + std::to_string(start_dim_) + ", end_dim=" + std::to_string(end_dim_);
}

}  // namespace minidl::nn
