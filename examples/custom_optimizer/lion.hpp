#pragma once
// Lion, "EvoLved Sign Momentum" (Chen et al., 2023): steps by the sign of an interpolation
// between the momentum and the gradient. The whole optimizer is this file: one options struct
// whose fields() declares each option once, and one class with the update.
#include <cstdint>
#include <minidl/core/parallel.hpp>
#include <minidl/optim.hpp>
#include <string_view>
#include <tuple>
#include <utility>

/// Lion's options. Defaults as in the paper: a learning rate 3-10x below AdamW's.
struct LionOptions {
  double lr = 1e-4;
  std::pair<double, double> betas{0.9, 0.99};
  double weight_decay = 0.0;

  // Name, member, check and documentation of each option. This one declaration gives
  // LionOptions{.lr = 3e-4}, {{"lr", 3e-4}} maps from YAML, error messages and printing.
  static constexpr auto fields() {
    using minidl::optim::option;
    namespace check = minidl::optim::check;
    return std::tuple{option("lr", &LionOptions::lr, check::non_negative, "learning rate"),
                      option("betas", &LionOptions::betas, check::betas,
                             "b1 interpolates the update direction, b2 decays the momentum"),
                      option("weight_decay", &LionOptions::weight_decay, check::non_negative,
                             "decoupled weight decay")};
  }
};

/// c = b1*m + (1-b1)*g;  p -= lr * (sign(c) + weight_decay*p);  m = b2*m + (1-b2)*g.
class Lion : public minidl::optim::OptimizerImpl<Lion, LionOptions> {
 public:
  static constexpr std::string_view type_name = "Lion";
  using OptimizerImpl::OptimizerImpl;

  // Called by step() for each parameter that has a gradient; state.step() counts its updates.
  void update(const LionOptions& o, minidl::optim::ParamState& state, minidl::Tensor& param,
              const minidl::Tensor& grad) {
    float* p = param.data<float>();
    const float* g = grad.data<float>();
    float* m = state.buffer("exp_avg", param).data<float>();  // zeros at the first update
    const auto lr = static_cast<float>(o.lr);
    const auto wd = static_cast<float>(o.weight_decay);
    const auto b1 = static_cast<float>(o.betas.first);
    const auto b2 = static_cast<float>(o.betas.second);
    // One fused pass over raw memory; parallel only for tensors above the grain size.
    minidl::parallel_for(param.numel(), minidl::kGrainSize, [=](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const float c = b1 * m[i] + (1.0f - b1) * g[i];
        const float sign = static_cast<float>((c > 0.0f) - (c < 0.0f));
        p[i] -= lr * (sign + wd * p[i]);
        m[i] = b2 * m[i] + (1.0f - b2) * g[i];
      }
    });
  }
};
