#pragma once
// Adam with optional AMSGrad and L2 weight decay: torch.optim.Adam (PyTorch 1.13),
// registered as "adam". AdamW (adamw.hpp) shares its update.
#include <string_view>
#include <tuple>
#include <utility>

#include "minidl/optim/optimizer.hpp"

namespace minidl::optim {

struct AdamOptions {
  double lr = 1e-3;
  std::pair<double, double> betas{0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool amsgrad = false;
  bool maximize = false;

  static constexpr auto fields() {
    return std::tuple{
        option("lr", &AdamOptions::lr, check::non_negative, "learning rate"),
        option("betas", &AdamOptions::betas, check::betas,
               "decay rates of the first and second moment averages"),
        option("eps", &AdamOptions::eps, check::non_negative, "added to the denominator"),
        option("weight_decay", &AdamOptions::weight_decay, check::non_negative,
               "L2 penalty added to the gradient"),
        option("amsgrad", &AdamOptions::amsgrad, check::flag,
               "use the running maximum of the second moment (AMSGrad)"),
        option("maximize", &AdamOptions::maximize, check::flag,
               "ascend the objective instead of descending")};
  }
};

/// m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g;
/// p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps).
class Adam : public OptimizerImpl<Adam, AdamOptions> {
 public:
  static constexpr std::string_view type_name = "Adam";
  using OptimizerImpl::OptimizerImpl;
  void update(const AdamOptions& options, ParamState& state, Tensor& param, const Tensor& grad);
};

}  // namespace minidl::optim
