// RMSprop's update, in PyTorch 1.13's order of float32 operations (_single_tensor_rmsprop).
#include "minidl/optim/rmsprop.hpp"

#include <cmath>

#include "minidl/core/parallel.hpp"

namespace minidl::optim {

void RMSprop::update(const RMSpropOptions& o, ParamState& state, Tensor& param,
                     const Tensor& grad) {
  float* p = param.data<float>();
  const float* g = grad.data<float>();
  float* sq = state.buffer("square_avg", param).data<float>();
  float* ga = o.centered ? state.buffer("grad_avg", param).data<float>() : nullptr;
  float* buf = o.momentum > 0.0 ? state.buffer("momentum_buffer", param).data<float>() : nullptr;
  const float sign = o.maximize ? -1.0f : 1.0f;
  const float wd = static_cast<float>(o.weight_decay);
  const bool decay = o.weight_decay != 0.0;
  const float alpha = static_cast<float>(o.alpha), keep = static_cast<float>(1.0 - o.alpha);
  const float eps = static_cast<float>(o.eps);
  const float momentum = static_cast<float>(o.momentum);
  const float neg_lr = static_cast<float>(-o.lr);
  const bool centered = o.centered;

  parallel_for(param.numel(), kGrainSize, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float d = decay ? sign * g[i] + wd * p[i] : sign * g[i];
      const float s = sq[i] * alpha + (keep * d) * d;
      sq[i] = s;
      float avg;
      if (centered) {
        const float a = ga[i] * alpha + keep * d;
        ga[i] = a;
        avg = std::sqrt(s - a * a) + eps;
      } else {
        avg = std::sqrt(s) + eps;
      }
      if (buf) {
        const float b = buf[i] * momentum + d / avg;
        buf[i] = b;
        p[i] = p[i] + neg_lr * b;
      } else {
        p[i] = p[i] + (neg_lr * d) / avg;
      }
    }
  });
}

}  // namespace minidl::optim
