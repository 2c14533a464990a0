#pragma once
// Stochastic gradient descent with momentum, dampening, Nesterov momentum, weight decay and
// maximize: torch.optim.SGD (PyTorch 1.13). Registered as "sgd", and as "momentum" with
// momentum 0.9 by default.
#include <string_view>
#include <tuple>

#include "minidl/optim/optimizer.hpp"

namespace minidl::optim {

struct SGDOptions {
  /// PyTorch 1.13 requires lr; minidl defaults it to PyTorch 2's 1e-3.
  double lr = 1e-3;
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;
  bool nesterov = false;
  bool maximize = false;

  static constexpr auto fields() {
    return std::tuple{
        option("lr", &SGDOptions::lr, check::non_negative, "learning rate"),
        option("momentum", &SGDOptions::momentum, check::non_negative, "momentum factor"),
        option("dampening", &SGDOptions::dampening, check::fraction,
               "dampening of the gradient added to the momentum buffer"),
        option("weight_decay", &SGDOptions::weight_decay, check::non_negative,
               "L2 penalty added to the gradient"),
        option("nesterov", &SGDOptions::nesterov, check::flag, "Nesterov momentum"),
        option("maximize", &SGDOptions::maximize, check::flag,
               "ascend the objective instead of descending")};
  }
  /// Nesterov momentum needs momentum > 0 and no dampening (as PyTorch checks).
  void validate() const;
};

/// p -= lr * g, where g has weight decay, momentum (buffer = g at the first update, then
/// momentum*buffer + (1-dampening)*g) and optionally Nesterov's look-ahead applied.
class SGD : public OptimizerImpl<SGD, SGDOptions> {
 public:
  static constexpr std::string_view type_name = "SGD";
  using OptimizerImpl::OptimizerImpl;
  void update(const SGDOptions& options, ParamState& state, Tensor& param, const Tensor& grad);
};

}  // namespace minidl::optim
