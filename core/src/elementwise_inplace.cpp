// Tensor's in-place arithmetic (add_, mul_, clamp_, ...): `other` broadcasts to this shape,
// this tensor may be any strided view, and every write bumps the storage version.
#include "elementwise_kernels.hpp"
#include "minidl/core/tensor.hpp"

namespace minidl {

namespace detail {
void check_writable(const Tensor& self, const char* name) {
  for (int d = 0; d < self.dim(); ++d)
    if (self.strides()[d] == 0 && self.shape()[d] > 1)
      throw ValueError(std::string(name) + ": the tensor of shape " + to_string(self.shape()) +
                       " written in place is an expanded view (dim " + std::to_string(d) +
                       " has stride 0), so several of its elements share one memory location; clone() it first");
}
}  // namespace detail

Tensor& Tensor::add_(const Tensor& other, float alpha) {
  if (alpha == 1.0f)
    detail::apply_binary_inplace(*this, other, "add_", [](float x, float y) { return x + y; });
  else
    detail::apply_binary_inplace(*this, other, "add_", [alpha](float x, float y) { return x + alpha * y; });
  return *this;
}

Tensor& Tensor::sub_(const Tensor& other) {
  detail::apply_binary_inplace(*this, other, "sub_", [](float x, float y) { return x - y; });
  return *this;
}

Tensor& Tensor::mul_(const Tensor& other) {
  detail::apply_binary_inplace(*this, other, "mul_", [](float x, float y) { return x * y; });
  return *this;
}

Tensor& Tensor::div_(const Tensor& other) {
  detail::apply_binary_inplace(*this, other, "div_", [](float x, float y) { return x / y; });
  return *this;
}

Tensor& Tensor::add_(float value) {
  detail::apply_unary_inplace(*this, "add_", [value](float x) { return x + value; });
  return *this;
}

Tensor& Tensor::sub_(float value) {
  detail::apply_unary_inplace(*this, "sub_", [value](float x) { return x - value; });
  return *this;
}

Tensor& Tensor::mul_(float value) {
  detail::apply_unary_inplace(*this, "mul_", [value](float x) { return x * value; });
  return *this;
}

Tensor& Tensor::div_(float value) {
  detail::apply_unary_inplace(*this, "div_", [value](float x) { return x / value; });
  return *this;
}

Tensor& Tensor::clamp_(float low, float high) {
  detail::apply_unary_inplace(*this, "clamp_", [low, high](float x) {
    const float lo = x < low ? low : x;
    return high < lo ? high : lo;
  });
  return *this;
}

}  // namespace minidl
