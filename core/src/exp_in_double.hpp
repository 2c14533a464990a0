#pragma once
// e^x in straight-line double arithmetic that GCC vectorises, for exp and softmax: libm's exp and
// expf are one call per element (softmax over 1024 classes ran 4x slower than PyTorch's).
// Evaluated in double, the result is within 1e-14 relative of e^x, so rounded to float it is the
// correctly rounded value but where e^x lies within that of a rounding midpoint: the same bits
// as glibc's expf (also evaluated in double) but in rare last-bit ties.
#include <bit>
#include <cstdint>

namespace minidl::detail {

/// e^x for x in [-708, 709] (a normal double result): x = n ln2 + r with |r| <= ln2/2, e^r by its
/// Taylor series to r^11 (truncation below 7e-15), 2^n from the exponent bits.
inline double exp_in_normal_range(double x) {
  constexpr double kRound = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
  const double shifted = x * 1.4426950408889634 + kRound;
  const double n = shifted - kRound;
  // ln 2 in two parts (fdlibm's): n * the first is exact for every n in range.
  const double r = (x - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;
  double p = 1.0 / 39916800;
  p = p * r + 1.0 / 3628800;
  p = p * r + 1.0 / 362880;
  p = p * r + 1.0 / 40320;
  p = p * r + 1.0 / 5040;
  p = p * r + 1.0 / 720;
  p = p * r + 1.0 / 120;
  p = p * r + 1.0 / 24;
  p = p * r + 1.0 / 6;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // n sits in the low mantissa bits of `shifted`; integer arithmetic on the bits avoids a double
  // to int conversion (undefined for NaN, which passes through p).
  const uint64_t n_bits = std::bit_cast<uint64_t>(shifted) - std::bit_cast<uint64_t>(kRound);
  return p * std::bit_cast<double>((n_bits + 1023u) << 52);
}

/// e^d for d <= 0 (softmax's x - max): 0 below -708, where a float result is 0 anyway; NaN stays NaN.
inline double exp_nonpositive_in_double(double d) {
  constexpr double kLowest = -708.0;
  const double e = exp_in_normal_range(d < kLowest ? kLowest : d);
  return d < kLowest ? 0.0 : e;
}

/// e^x of a float, rounded once: 0 below -104 and infinity above 89, as expf; NaN stays NaN.
inline float exp_of(float x) {
  // Outside [-104, 89] the float result is 0 or infinity; inside, 2^n is a normal double.
  const double clamped = x < -104.0f ? -104.0 : x > 89.0f ? 89.0 : static_cast<double>(x);
  return static_cast<float>(exp_in_normal_range(clamped));
}

}  // namespace minidl::detail
