#pragma once
// Float64 references for the float32 softmax family: the exact answer for the float inputs
// (to double precision), test logits of a given magnitude, and an error bound measured in
// float32 units in the last place. Shared by the core and autograd suites.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "minidl/core.hpp"

namespace minidl::test {

/// log_softmax of each row of a contiguous [rows, cols] float tensor, in double.
inline std::vector<double> log_softmax_rows_f64(const Tensor& x) {
  const int64_t rows = x.size(0), cols = x.size(1);
  const std::vector<float> v = x.to_vector();
  std::vector<double> out(v.size());
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = v.data() + r * cols;
    const double m = *std::max_element(row, row + cols);
    double s = 0;
    for (int64_t j = 0; j < cols; ++j) s += std::exp(row[j] - m);
    for (int64_t j = 0; j < cols; ++j) out[static_cast<size_t>(r * cols + j)] = (row[j] - m) - std::log(s);
  }
  return out;
}

/// softmax of each row, in double.
inline std::vector<double> softmax_rows_f64(const Tensor& x) {
  std::vector<double> out = log_softmax_rows_f64(x);
  for (double& v : out) v = std::exp(v);
  return out;
}

/// [12, 10] logits of magnitude `m`: rows 0-5 spread as m * N(0, 1); rows 6-11 close
/// together around +m or -m (m + N(0, 2)), where a result is small beside the logits and
/// any rounding at the logits' scale shows.
inline Tensor logits_of_magnitude(float m, uint64_t seed = 7) {
  Generator gen(seed);
  Tensor x = Tensor::normal({12, 10}, 0, 1, gen);
  x.narrow(0, 0, 6).mul_(m);
  x.narrow(0, 6, 3).mul_(2.0f).add_(m);
  x.narrow(0, 9, 3).mul_(2.0f).sub_(m);
  return x;
}

/// One float32 unit in the last place at the magnitude of `v`.
inline double float_ulp(double v) {
  const auto f = static_cast<float>(std::fabs(v));
  return static_cast<double>(std::nextafter(f, std::numeric_limits<float>::infinity()) - f);
}

/// Expects each got[i] within `ulps` float32 ulps of want[i] plus `absolute`, naming `what`
/// and the first index that is not.
inline void expect_near_f64(const std::vector<float>& got, const std::vector<double>& want, double ulps,
                            double absolute, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    const double err = std::fabs(static_cast<double>(got[i]) - want[i]);
    const double bound = ulps * float_ulp(want[i]) + absolute;
    if (!(err <= bound)) {
      ADD_FAILURE() << what << ": element " << i << " is " << got[i] << ", float64 gives " << want[i]
                    << " (error " << err << " > " << bound << ")";
      return;
    }
  }
}

}  // namespace minidl::test
