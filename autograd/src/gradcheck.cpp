#include "minidl/autograd/gradcheck.hpp"

#include <cmath>
#include <sstream>

#include "minidl/autograd/grad_mode.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/core/reduction.hpp"

namespace minidl {

GradcheckResult gradcheck(const std::function<Variable(const std::vector<Variable>&)>& f,
                          const std::vector<Variable>& inputs, float eps, float rtol, float atol, uint64_t seed) {
  GradcheckResult result;
  // Analytic: backward of sum(f(x) * G) for a random G, so every output element matters.
  std::vector<Variable> leaves;
  for (const Variable& v : inputs) leaves.emplace_back(v.data().clone(), v.requires_grad());
  Variable out = f(leaves);
  Generator gen(seed);
  const Tensor weights = Tensor::normal(out.shape(), 0.0f, 1.0f, gen);
  out.backward(weights);

  auto objective = [&](const std::vector<Variable>& xs) {
    NoGradGuard no_grad;
    // double accumulation keeps the finite difference from drowning in rounding
    const std::vector<float> y = f(xs).data().to_vector(), w = weights.to_vector();
    double s = 0;
    for (size_t i = 0; i < y.size(); ++i) s += static_cast<double>(y[i]) * w[i];
    return s;
  };

  for (size_t k = 0; k < leaves.size(); ++k) {
    if (!leaves[k].requires_grad()) continue;
    const Tensor analytic = leaves[k].grad().defined() ? leaves[k].grad() : Tensor::zeros(leaves[k].shape());
    const std::vector<float> a = analytic.to_vector();
    std::vector<Variable> probe;
    for (const Variable& v : leaves) probe.emplace_back(v.data().clone(), false);
    Tensor x = probe[k].data();
    float* px = x.data<float>();
    for (int64_t i = 0; i < x.numel(); ++i) {
      const float saved = px[i];
      px[i] = saved + eps;
      const double plus = objective(probe);
      px[i] = saved - eps;
      const double minus = objective(probe);
      px[i] = saved;
      const double numeric = (plus - minus) / (2.0 * eps);
      const double err = std::fabs(a[static_cast<size_t>(i)] - numeric);
      result.max_abs_error = std::max(result.max_abs_error, err);
      if (err > atol + rtol * std::fabs(numeric) && result.ok) {
        result.ok = false;
        std::ostringstream msg;
        msg << "input " << k << " element " << i << ": backward gives " << a[static_cast<size_t>(i)]
            << ", finite differences give " << numeric;
        result.message = msg.str();
      }
    }
  }
  return result;
}

}  // namespace minidl
