#pragma once
// Adagrad: torch.optim.Adagrad (PyTorch 1.13), registered as "adagrad".
#include <string_view>
#include <tuple>

#include "minidl/optim/optimizer.hpp"

namespace minidl::optim {

struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0.0;
  double weight_decay = 0.0;
  double initial_accumulator_value = 0.0;
  double eps = 1e-10;
  bool maximize = false;

  static constexpr auto fields() {
    return std::tuple{
        option("lr", &AdagradOptions::lr, check::non_negative, "learning rate"),
        option("lr_decay", &AdagradOptions::lr_decay, check::non_negative,
               "lr / (1 + (step - 1) * lr_decay)"),
        option("weight_decay", &AdagradOptions::weight_decay, check::non_negative,
               "L2 penalty added to the gradient"),
        option("initial_accumulator_value", &AdagradOptions::initial_accumulator_value,
               check::non_negative, "start value of the sum of squared gradients"),
        option("eps", &AdagradOptions::eps, check::non_negative, "added to the denominator"),
        option("maximize", &AdagradOptions::maximize, check::flag,
               "ascend the objective instead of descending")};
  }
};

/// sum += g*g; p -= lr / (1 + (step-1) * lr_decay) * g / (sqrt(sum) + eps).
class Adagrad : public OptimizerImpl<Adagrad, AdagradOptions> {
 public:
  static constexpr std::string_view type_name = "Adagrad";
  using OptimizerImpl::OptimizerImpl;
  void update(const AdagradOptions& options, ParamState& state, Tensor& param, const Tensor& grad);
};

}  // namespace minidl::optim
