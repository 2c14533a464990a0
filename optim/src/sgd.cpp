// SGD's update, in PyTorch 1.13's order of float32 operations (_single_tensor_sgd).
#include "minidl/optim/sgd.hpp"

#include "minidl/core/error.hpp"
#include "minidl/core/parallel.hpp"

namespace minidl::optim {

void SGDOptions::validate() const {
  if (nesterov && (momentum <= 0.0 || dampening != 0.0))
    throw ValueError("SGD: nesterov=true requires momentum > 0 and dampening = 0, got momentum=" +
                     format_number(momentum) + ", dampening=" + format_number(dampening));
}

void SGD::update(const SGDOptions& o, ParamState& state, Tensor& param, const Tensor& grad) {
  float* p = param.data<float>();
  const float* g = grad.data<float>();
  // Negating by multiplying with -1 is exact, and keeps the loop free of branches.
  const float sign = o.maximize ? -1.0f : 1.0f;
  const float wd = static_cast<float>(o.weight_decay);
  const bool decay = o.weight_decay != 0.0;
  const float neg_lr = static_cast<float>(-o.lr);
  const int64_t n = param.numel();

  if (o.momentum == 0.0) {
    parallel_for(n, kGrainSize, [=](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const float d = decay ? sign * g[i] + wd * p[i] : sign * g[i];
        p[i] = p[i] + neg_lr * d;
      }
    });
    return;
  }

  // The buffer starts as the first (decayed) gradient itself, without dampening.
  const bool first = !state.has("momentum_buffer");
  float* buf = state.buffer("momentum_buffer", param).data<float>();
  const float momentum = static_cast<float>(o.momentum);
  const float keep = static_cast<float>(1.0 - o.dampening);
  const bool nesterov = o.nesterov;
  parallel_for(n, kGrainSize, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float d = decay ? sign * g[i] + wd * p[i] : sign * g[i];
      const float b = first ? d : buf[i] * momentum + keep * d;
      buf[i] = b;
      p[i] = p[i] + neg_lr * (nesterov ? d + momentum * b : b);
    }
  });
}

}  // namespace minidl::optim
