// Adagrad's update, in PyTorch 1.13's order of float32 operations (_single_tensor_adagrad).
#include "minidl/optim/adagrad.hpp"

#include <cmath>

#include "minidl/core/parallel.hpp"

namespace minidl::optim {

void Adagrad::update(const AdagradOptions& o, ParamState& state, Tensor& param,
                     const Tensor& grad) {
  float* p = param.data<float>();
  const float* g = grad.data<float>();
  float* sum =
      state.buffer("sum", param, static_cast<float>(o.initial_accumulator_value)).data<float>();
  const float sign = o.maximize ? -1.0f : 1.0f;
  const float wd = static_cast<float>(o.weight_decay);
  const bool decay = o.weight_decay != 0.0;
  // The decayed learning rate is a Python float in PyTorch: computed in double, used as float.
  const double clr = o.lr / (1.0 + static_cast<double>(state.step() - 1) * o.lr_decay);
  const float neg_clr = static_cast<float>(-clr);
  const float eps = static_cast<float>(o.eps);
  parallel_for(param.numel(), kGrainSize, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float d = decay ? sign * g[i] + wd * p[i] : sign * g[i];
      const float s = sum[i] + d * d;
      sum[i] = s;
      p[i] = p[i] + (neg_clr * d) / (std::sqrt(s) + eps);
    }
  });
}

}  // namespace minidl::optim
