// The built-in schedules, as PyTorch 1.13's closed forms (_get_closed_form_lr).
#include "minidl/optim/schedulers.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace minidl::optim {

double StepLR::lr(const StepLROptions& o, int64_t epoch, double base_lr) {
  return base_lr * std::pow(o.gamma, static_cast<double>(epoch / o.step_size));
}

double MultiStepLR::lr(const MultiStepLROptions& o, int64_t epoch, double base_lr) {
  const auto passed =
      std::upper_bound(o.milestones.begin(), o.milestones.end(), epoch) - o.milestones.begin();
  return base_lr * std::pow(o.gamma, static_cast<double>(passed));
}

double ExponentialLR::lr(const ExponentialLROptions& o, int64_t epoch, double base_lr) {
  return base_lr * std::pow(o.gamma, static_cast<double>(epoch));
}

double CosineAnnealingLR::lr(const CosineAnnealingLROptions& o, int64_t epoch, double base_lr) {
  // Not clamped at T_max: past it the lr rises again, as in PyTorch.
  const double phase = std::numbers::pi * static_cast<double>(epoch) / static_cast<double>(o.T_max);
  return o.eta_min + (base_lr - o.eta_min) * (1.0 + std::cos(phase)) / 2.0;
}

double LinearLR::lr(const LinearLROptions& o, int64_t epoch, double base_lr) {
  const double done =
      static_cast<double>(std::min(epoch, o.total_iters)) / static_cast<double>(o.total_iters);
  return base_lr * (o.start_factor + (o.end_factor - o.start_factor) * done);
}

}  // namespace minidl::optim
