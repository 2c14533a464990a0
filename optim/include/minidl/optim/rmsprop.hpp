#pragma once
// RMSprop, optionally centered and with momentum: torch.optim.RMSprop (PyTorch 1.13),
// registered as "rmsprop".
#include <string_view>
#include <tuple>

#include "minidl/optim/optimizer.hpp"

namespace minidl::optim {

struct RMSpropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum = 0.0;
  bool centered = false;
  bool maximize = false;

  static constexpr auto fields() {
    return std::tuple{
        option("lr", &RMSpropOptions::lr, check::non_negative, "learning rate"),
        option("alpha", &RMSpropOptions::alpha, check::non_negative,
               "decay rate of the squared-gradient average"),
        option("eps", &RMSpropOptions::eps, check::non_negative, "added to the denominator"),
        option("weight_decay", &RMSpropOptions::weight_decay, check::non_negative,
               "L2 penalty added to the gradient"),
        option("momentum", &RMSpropOptions::momentum, check::non_negative, "momentum factor"),
        option("centered", &RMSpropOptions::centered, check::flag,
               "normalise by the variance estimate instead of the second moment"),
        option("maximize", &RMSpropOptions::maximize, check::flag,
               "ascend the objective instead of descending")};
  }
};

/// sq = alpha*sq + (1-alpha)*g*g; avg = sqrt(sq [- ga*ga if centered]) + eps;
/// p -= lr * g/avg, or through a momentum buffer of g/avg.
class RMSprop : public OptimizerImpl<RMSprop, RMSpropOptions> {
 public:
  static constexpr std::string_view type_name = "RMSprop";
  using OptimizerImpl::OptimizerImpl;
  void update(const RMSpropOptions& options, ParamState& state, Tensor& param, const Tensor& grad);
};

}  // namespace minidl::optim
