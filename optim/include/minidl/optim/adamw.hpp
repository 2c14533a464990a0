#pragma once
// AdamW, Adam with decoupled weight decay: torch.optim.AdamW (PyTorch 1.13), registered as
// "adamw".
#include <string_view>
#include <tuple>
#include <utility>

#include "minidl/optim/optimizer.hpp"

namespace minidl::optim {

struct AdamWOptions {
  double lr = 1e-3;
  std::pair<double, double> betas{0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 1e-2;
  bool amsgrad = false;
  bool maximize = false;

  static constexpr auto fields() {
    return std::tuple{
        option("lr", &AdamWOptions::lr, check::non_negative, "learning rate"),
        option("betas", &AdamWOptions::betas, check::betas,
               "decay rates of the first and second moment averages"),
        option("eps", &AdamWOptions::eps, check::non_negative, "added to the denominator"),
        option("weight_decay", &AdamWOptions::weight_decay, check::non_negative,
               "decoupled decay: p *= 1 - lr * weight_decay before the Adam step"),
        option("amsgrad", &AdamWOptions::amsgrad, check::flag,
               "use the running maximum of the second moment (AMSGrad)"),
        option("maximize", &AdamWOptions::maximize, check::flag,
               "ascend the objective instead of descending")};
  }
};

/// p *= 1 - lr*weight_decay, then Adam's update without the L2 term.
class AdamW : public OptimizerImpl<AdamW, AdamWOptions> {
 public:
  static constexpr std::string_view type_name = "AdamW";
  using OptimizerImpl::OptimizerImpl;
  void update(const AdamWOptions& options, ParamState& state, Tensor& param, const Tensor& grad);
};

}  // namespace minidl::optim
