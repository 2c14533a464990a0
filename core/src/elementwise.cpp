// Arithmetic and activation functions, elementwise with PyTorch broadcasting (float32 only).
#include "minidl/core/elementwise.hpp"

#include <bit>
#include <cmath>
#include <cstdint>

#include "elementwise_kernels.hpp"
#include "exp_in_double.hpp"
#include "minidl/core/activation.hpp"

namespace minidl {

namespace {

template <class Op>
Tensor binary(const Tensor& a, const Tensor& b, const char* name, Op op) {
  check_dtype(a, DType::Float32, name);
  check_dtype(b, DType::Float32, name);
  return detail::map_binary<float>(a, b, name, op);
}

template <class Op>
Tensor unary(const Tensor& a, const char* name, Op op) {
  check_dtype(a, DType::Float32, name);
  return detail::map_unary<float>(a, op);
}

}  // namespace

Tensor add(const Tensor& a, const Tensor& b) {
  return binary(a, b, "add", [](float x, float y) { return x + y; });
}
Tensor sub(const Tensor& a, const Tensor& b) {
  return binary(a, b, "sub", [](float x, float y) { return x - y; });
}
Tensor mul(const Tensor& a, const Tensor& b) {
  return binary(a, b, "mul", [](float x, float y) { return x * y; });
}
Tensor div(const Tensor& a, const Tensor& b) {
  return binary(a, b, "div", [](float x, float y) { return x / y; });
}
// NaN in either operand propagates, as in torch.maximum / torch.minimum.
Tensor maximum(const Tensor& a, const Tensor& b) {
  return binary(a, b, "maximum", [](float x, float y) { return (x > y || std::isnan(x)) ? x : y; });
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return binary(a, b, "minimum", [](float x, float y) { return (x < y || std::isnan(x)) ? x : y; });
}
Tensor pow(const Tensor& a, const Tensor& b) {
  return binary(a, b, "pow", [](float x, float y) { return std::pow(x, y); });
}

Tensor add(const Tensor& a, float b) {
  return unary(a, "add", [b](float x) { return x + b; });
}
Tensor sub(const Tensor& a, float b) {
  return unary(a, "sub", [b](float x) { return x - b; });
}
Tensor rsub(const Tensor& a, float b) {
  return unary(a, "rsub", [b](float x) { return b - x; });
}
Tensor mul(const Tensor& a, float b) {
  return unary(a, "mul", [b](float x) { return x * b; });
}
Tensor div(const Tensor& a, float b) {
  return unary(a, "div", [b](float x) { return x / b; });
}
Tensor rdiv(const Tensor& a, float b) {
  return unary(a, "rdiv", [b](float x) { return b / x; });
}
// The common exponents are exact products (as in PyTorch), and much cheaper than std::pow.
Tensor pow(const Tensor& a, float exponent) {
  if (exponent == 1.0f) return unary(a, "pow", [](float x) { return x; });
  if (exponent == 2.0f) return unary(a, "pow", [](float x) { return x * x; });
  if (exponent == 3.0f) return unary(a, "pow", [](float x) { return x * x * x; });
  if (exponent == 0.5f) return unary(a, "pow", [](float x) { return std::sqrt(x); });
  if (exponent == -1.0f) return unary(a, "pow", [](float x) { return 1.0f / x; });
  return unary(a, "pow", [exponent](float x) { return std::pow(x, exponent); });
}

Tensor neg(const Tensor& a) {
  return unary(a, "neg", [](float x) { return -x; });
}
Tensor exp(const Tensor& a) {
  return unary(a, "exp", [](float x) { return detail::exp_of(x); });
}
Tensor log(const Tensor& a) {
  return unary(a, "log", [](float x) { return std::log(x); });
}
Tensor sqrt(const Tensor& a) {
  return unary(a, "sqrt", [](float x) { return std::sqrt(x); });
}
Tensor abs(const Tensor& a) {
  return unary(a, "abs", [](float x) { return std::fabs(x); });
}
// Zero (of either sign) and NaN map to themselves, as torch.sign does.
Tensor sign(const Tensor& a) {
  return unary(a, "sign", [](float x) { return x > 0.0f ? 1.0f : x < 0.0f ? -1.0f : x; });
}
Tensor relu(const Tensor& a) {
  return unary(a, "relu", [](float x) { return relu_of(x); });
}
Tensor leaky_relu(const Tensor& a, float negative_slope) {
  return unary(a, "leaky_relu", [negative_slope](float x) { return x < 0.0f ? x * negative_slope : x; });
}
Tensor sigmoid(const Tensor& a) {
  return unary(a, "sigmoid", [](float x) { return sigmoid_of(x); });
}
Tensor tanh(const Tensor& a) {
  return unary(a, "tanh", [](float x) { return tanh_of(x); });
}
// min(max(x, low), high): NaN stays NaN and low > high gives high everywhere, like torch.clamp.
Tensor clamp(const Tensor& a, float low, float high) {
  return unary(a, "clamp", [low, high](float x) {
    const float lo = x < low ? low : x;
    return high < lo ? high : lo;
  });
}

}  // namespace minidl
