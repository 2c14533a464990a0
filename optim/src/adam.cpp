// Adam's and AdamW's update, in PyTorch 1.13's order of float32 operations
// (_single_tensor_adam / _single_tensor_adamw): one fused pass over p, g, m, v (and vmax).
#include "minidl/optim/adam.hpp"

#include <algorithm>
#include <cmath>

#include "minidl/core/parallel.hpp"
#include "minidl/optim/adamw.hpp"

namespace minidl::optim {
namespace {

// What the two optimizers share; AdamW has applied its decoupled decay before.
struct AdamStep {
  double lr;
  std::pair<double, double> betas;
  double eps;
  double l2;      // Adam's weight_decay, added to the gradient; 0 for AdamW
  double shrink;  // AdamW's decoupled decay 1 - lr*weight_decay; 1 for Adam
  bool amsgrad;
  bool maximize;
};

void adam_update(const AdamStep& o, ParamState& state, Tensor& param, const Tensor& grad) {
  float* p = param.data<float>();
  const float* g = grad.data<float>();
  float* m = state.buffer("exp_avg", param).data<float>();
  float* v = state.buffer("exp_avg_sq", param).data<float>();
  float* vmax = o.amsgrad ? state.buffer("max_exp_avg_sq", param).data<float>() : nullptr;

  const auto [beta1, beta2] = o.betas;
  const auto t = static_cast<double>(state.step());
  // Bias corrections are Python floats in PyTorch: double, then used as float scalars.
  const double bias_correction1 = 1.0 - std::pow(beta1, t);
  const double bias_correction2 = 1.0 - std::pow(beta2, t);
  const float neg_step_size = static_cast<float>(-(o.lr / bias_correction1));
  const float bc2_sqrt = static_cast<float>(std::sqrt(bias_correction2));
  const float b1 = static_cast<float>(beta1), keep1 = static_cast<float>(1.0 - beta1);
  const float b2 = static_cast<float>(beta2), keep2 = static_cast<float>(1.0 - beta2);
  const float eps = static_cast<float>(o.eps);
  const float sign = o.maximize ? -1.0f : 1.0f;
  const float wd = static_cast<float>(o.l2);
  const bool decay = o.l2 != 0.0;
  // Multiplying by 1 is exact, so Adam runs the same loop as AdamW.
  const float shrink = static_cast<float>(o.shrink);

  auto pass = [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float w = p[i] * shrink;
      const float d = decay ? sign * g[i] + wd * w : sign * g[i];
      const float mi = m[i] * b1 + keep1 * d;
      const float vi = v[i] * b2 + (keep2 * d) * d;
      m[i] = mi;
      v[i] = vi;
      p[i] = w + (neg_step_size * mi) / (std::sqrt(vi) / bc2_sqrt + eps);
    }
  };
  auto pass_amsgrad = [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float w = p[i] * shrink;
      const float d = decay ? sign * g[i] + wd * w : sign * g[i];
      const float mi = m[i] * b1 + keep1 * d;
      const float vi = v[i] * b2 + (keep2 * d) * d;
      const float vm = std::max(vmax[i], vi);
      m[i] = mi;
      v[i] = vi;
      vmax[i] = vm;
      p[i] = w + (neg_step_size * mi) / (std::sqrt(vm) / bc2_sqrt + eps);
    }
  };
  if (o.amsgrad)
    parallel_for(param.numel(), kGrainSize, pass_amsgrad);
  else
    parallel_for(param.numel(), kGrainSize, pass);
}

}  // namespace

void Adam::update(const AdamOptions& o, ParamState& state, Tensor& param, const Tensor& grad) {
  adam_update({o.lr, o.betas, o.eps, o.weight_decay, 1.0, o.amsgrad, o.maximize}, state, param,
              grad);
}

void AdamW::update(const AdamWOptions& o, ParamState& state, Tensor& param, const Tensor& grad) {
  // PyTorch first scales p by 1 - lr*wd (rounded to float), then takes the Adam step from it.
  adam_update({o.lr, o.betas, o.eps, 0.0, 1.0 - o.lr * o.weight_decay, o.amsgrad, o.maximize},
              state, param, grad);
}

}  // namespace minidl::optim
