#pragma once
// The activations a layer may apply to its own output as it writes it (oneDNN calls them
// post-ops): conv2d + sigmoid in one pass instead of two. The scalar functions are inline so
// that a fused kernel computes the same bits as minidl::sigmoid and minidl::relu.
#include <bit>
#include <cmath>
#include <cstdint>
#include <type_traits>

namespace minidl {

/// An activation fused into the op before it; None applies nothing.
enum class Activation { None, Sigmoid, ReLU };

namespace detail {

// e^x for x <= 0 in straight-line arithmetic that GCC vectorises, where libm's expf is one call
// per element (sigmoid was a quarter of a LeNet epoch). Cephes' expf: x = n ln2 + r, |r| <= ln2/2,
// a degree-7 polynomial for e^r, 2^n from the exponent bits; within 2 ulp of expf. Below
// kLowest (just under ln of the smallest normal float), where e^x is subnormal, it is 0; NaN
// stays NaN.
inline float exp_nonpositive(float x) {
  constexpr float kLowest = -87.33655f, kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  const float clamped = x < kLowest ? kLowest : x;
  const float shifted = clamped * 1.44269504088896341f + kRound;
  const float n = shifted - kRound;
  const float r = (clamped - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  // n sits in the low mantissa bits of `shifted`; integer arithmetic on the bits avoids a float to
  // int conversion (undefined for NaN).
  const uint32_t n_bits = std::bit_cast<uint32_t>(shifted) - std::bit_cast<uint32_t>(kRound);
  const float two_to_n = std::bit_cast<float>((n_bits + 127u) << 23);
  const float e = p * two_to_n;
  return x < kLowest ? 0.0f : e;
}

}  // namespace detail

/// 1 / (1 + e^-x), from e^-|x| so that neither branch overflows and both keep full precision.
inline float sigmoid_of(float x) {
  // One division whatever the sign: GCC vectorises a choice between values, not between divisions.
  const float e = detail::exp_nonpositive(-std::fabs(x));
  const float numerator = x >= 0.0f ? 1.0f : e;
  return numerator / (1.0f + e);
}

/// tanh(x) in straight-line arithmetic that GCC vectorises (libm's tanhf, one call and an expm1f
/// per element, was a fifth of an MLP epoch with one tanh layer). Cephes' tanhf: for |x| < 0.625
/// an odd polynomial, above it (1 - e^-2|x|) / (1 + e^-2|x|), which rounds to 1 from |x| ~ 9;
/// both computed and one chosen, with x's sign. Within 2 ulp of tanhf; tanh(-0) = -0, NaN stays NaN.
inline float tanh_of(float x) {
  const float a = std::fabs(x);
  const float z = a * a;
  float p = -5.70498872745e-3f;
  p = p * z + 2.06390887954e-2f;
  p = p * z - 5.37397155531e-2f;
  p = p * z + 1.33314422036e-1f;
  p = p * z - 3.33332819422e-1f;
  const float near_zero = p * z * a + a;
  const float e = detail::exp_nonpositive(-2.0f * a);
  const float far = (1.0f - e) / (1.0f + e);
  return std::copysign(a < 0.625f ? near_zero : far, x);
}

/// max(x, 0), written so that NaN passes through (NaN < 0 is false), as torch.relu does.
inline float relu_of(float x) { return x < 0.0f ? 0.0f : x; }

/// The activation's value at x.
inline float activate(Activation activation, float x) {
  switch (activation) {
    case Activation::Sigmoid: return sigmoid_of(x);
    case Activation::ReLU: return relu_of(x);
    case Activation::None: break;
  }
  return x;
}

/// Calls f(std::integral_constant<Activation, a>{}): the loops that apply `a` compile once per
/// activation, with nothing left to decide per element.
template <class F>
void with_activation(Activation a, F&& f) {
  switch (a) {
    case Activation::Sigmoid: return f(std::integral_constant<Activation, Activation::Sigmoid>{});
    case Activation::ReLU: return f(std::integral_constant<Activation, Activation::ReLU>{});
    case Activation::None: break;
  }
  f(std::integral_constant<Activation, Activation::None>{});
}

/// The activation's derivative, from its output y (both have one that y determines).
inline float activation_slope(Activation activation, float y) {
  switch (activation) {
    case Activation::Sigmoid: return y * (1.0f - y);
    case Activation::ReLU: return y > 0.0f ? 1.0f : 0.0f;
    case Activation::None: break;
  }
  return 1.0f;
}

}  // namespace minidl
