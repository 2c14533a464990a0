#pragma once
// Finite-difference checking of backward.
#include <functional>
#include <string>
#include <vector>

#include "minidl/autograd/variable.hpp"

namespace minidl {

struct GradcheckResult {
  bool ok = true;
  /// Which input and element disagreed most, with both values, when !ok.
  std::string message;
  double max_abs_error = 0.0;
};

/// Compares the backward of sum(f(inputs) * G) (G random, fixed by `seed`) against central
/// differences of step eps, computed in float32; passes when |analytic - numeric| <=
/// atol + rtol * |numeric| for every element of every input that requires grad.
GradcheckResult gradcheck(const std::function<Variable(const std::vector<Variable>&)>& f,
                          const std::vector<Variable>& inputs, float eps = 1e-2f,
                          float rtol = 1e-2f, float atol = 1e-3f, uint64_t seed = 0);

}  // namespace minidl
