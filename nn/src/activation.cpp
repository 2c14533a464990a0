#include "minidl/nn/activation.hpp"

#include <typeinfo>

#include "minidl/autograd/ops.hpp"
#include "repr.hpp"

namespace minidl::nn {

Variable ReLU::forward(const Variable& input) { return relu(input); }
// A subclass may compute something else in its forward: only ReLU itself is fused.
Activation ReLU::fusable_activation() const {
  return typeid(*this) == typeid(ReLU) ? Activation::ReLU : Activation::None;
}

Variable LeakyReLU::forward(const Variable& input) { return leaky_relu(input, negative_slope_); }

std::string LeakyReLU::extra_repr() const {
  return "negative_slope=" + detail::format_float(negative_slope_);
}

Variable Sigmoid::forward(const Variable& input) { return sigmoid(input); }
Activation Sigmoid::fusable_activation() const {
  return typeid(*this) == typeid(Sigmoid) ? Activation::Sigmoid : Activation::None;
}

Variable Tanh::forward(const Variable& input) { return tanh(input); }

Variable Softmax::forward(const Variable& input) { return softmax(input, dim_); }

Variable LogSoftmax::forward(const Variable& input) { return log_softmax(input, dim_); }

}  // namespace minidl::nn
