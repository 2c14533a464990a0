#pragma once
// The built-in learning-rate schedules, PyTorch 1.13's closed forms with b = base lr and
// e = epoch: StepLR ("step"), MultiStepLR ("multistep"), ExponentialLR ("exponential"),
// CosineAnnealingLR ("cosine") and LinearLR ("linear_warmup").
#include <cstdint>
#include <string_view>
#include <tuple>
#include <vector>

#include "minidl/optim/scheduler.hpp"

namespace minidl::optim {

struct StepLROptions {
  int64_t step_size = 0;
  double gamma = 0.1;
  static constexpr auto fields() {
    return std::tuple{
        option("step_size", &StepLROptions::step_size, check::positive_int, "epochs between decays")
            .required(),
        option("gamma", &StepLROptions::gamma, check::non_negative, "decay factor")};
  }
};

/// b * gamma^floor(e / step_size).
class StepLR : public SchedulerImpl<StepLR, StepLROptions> {
 public:
  static constexpr std::string_view type_name = "StepLR";
  using SchedulerImpl::SchedulerImpl;
  static double lr(const StepLROptions& options, int64_t epoch, double base_lr);
};

struct MultiStepLROptions {
  std::vector<int64_t> milestones;
  double gamma = 0.1;
  static constexpr auto fields() {
    return std::tuple{
        option("milestones", &MultiStepLROptions::milestones, check::increasing,
               "epochs at which the lr is multiplied by gamma")
            .required(),
        option("gamma", &MultiStepLROptions::gamma, check::non_negative, "decay factor")};
  }
};

/// b * gamma^(number of milestones <= e).
class MultiStepLR : public SchedulerImpl<MultiStepLR, MultiStepLROptions> {
 public:
  static constexpr std::string_view type_name = "MultiStepLR";
  using SchedulerImpl::SchedulerImpl;
  static double lr(const MultiStepLROptions& options, int64_t epoch, double base_lr);
};

struct ExponentialLROptions {
  double gamma = 0.0;
  static constexpr auto fields() {
    return std::tuple{
        option("gamma", &ExponentialLROptions::gamma, check::positive, "decay factor per epoch")
            .required()};
  }
};

/// b * gamma^e.
class ExponentialLR : public SchedulerImpl<ExponentialLR, ExponentialLROptions> {
 public:
  static constexpr std::string_view type_name = "ExponentialLR";
  using SchedulerImpl::SchedulerImpl;
  static double lr(const ExponentialLROptions& options, int64_t epoch, double base_lr);
};

struct CosineAnnealingLROptions {
  int64_t T_max = 0;
  double eta_min = 0.0;
  static constexpr auto fields() {
    return std::tuple{
        option("T_max", &CosineAnnealingLROptions::T_max, check::positive_int,
               "epochs of a half cosine period")
            .required(),
        option("eta_min", &CosineAnnealingLROptions::eta_min, check::non_negative, "lowest lr")};
  }
};

/// eta_min + (b - eta_min) * (1 + cos(pi * e / T_max)) / 2 (rising again after T_max).
class CosineAnnealingLR : public SchedulerImpl<CosineAnnealingLR, CosineAnnealingLROptions> {
 public:
  static constexpr std::string_view type_name = "CosineAnnealingLR";
  using SchedulerImpl::SchedulerImpl;
  static double lr(const CosineAnnealingLROptions& options, int64_t epoch, double base_lr);
};

struct LinearLROptions {
  double start_factor = 1.0 / 3.0;
  double end_factor = 1.0;
  int64_t total_iters = 5;
  static constexpr auto fields() {
    return std::tuple{option("start_factor", &LinearLROptions::start_factor,
                             check::positive_fraction, "lr factor in epoch 0"),
                      option("end_factor", &LinearLROptions::end_factor, check::fraction,
                             "lr factor from epoch total_iters on"),
                      option("total_iters", &LinearLROptions::total_iters, check::positive_int,
                             "epochs of the linear ramp")};
  }
};

/// b * (start_factor + (end_factor - start_factor) * min(e, total_iters) / total_iters).
class LinearLR : public SchedulerImpl<LinearLR, LinearLROptions> {
 public:
  static constexpr std::string_view type_name = "LinearLR";
  using SchedulerImpl::SchedulerImpl;
  static double lr(const LinearLROptions& options, int64_t epoch, double base_lr);
};

}  // namespace minidl::optim
