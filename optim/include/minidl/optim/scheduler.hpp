#pragma once
// Scheduler: sets the optimizer's learning rates once per epoch from a closed-form schedule
// of (epoch, base lr). SchedulerImpl<Derived, Options> supplies everything but the schedule,
// so a new scheduler is one options struct and one static lr() function.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "minidl/optim/optimizer.hpp"
#include "minidl/optim/options.hpp"
#include "minidl/optim/state_dict.hpp"

namespace minidl::optim {

class Scheduler {
 public:
  virtual ~Scheduler() = default;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Call at the end of each epoch: moves to the next epoch and sets each group's lr for it.
  void step();
  /// Epochs stepped so far (0 after construction, when epoch 0's lr is already set).
  int64_t last_epoch() const { return last_epoch_; }
  /// The lr of each group set for the current epoch.
  std::vector<double> get_last_lr() const;
  /// The groups' learning rates when the scheduler was made.
  const std::vector<double>& base_lrs() const { return base_lrs_; }

  /// The scheduler's type, as printed: "StepLR".
  virtual std::string_view name() const = 0;
  /// "StepLR(step_size=3, gamma=0.5)".
  virtual std::string to_string() const = 0;
  /// Every option by name.
  virtual OptionMap options_map() const = 0;

  /// Metadata "scheduler" (type), "scheduler.last_epoch", "scheduler.base_lrs" and
  /// "scheduler.<option>"; no tensors.
  StateDict state_dict() const;
  /// Restores a state_dict() of the same scheduler type and sets the lr for its epoch.
  /// Keys not starting with "scheduler" are ignored.
  void load_state_dict(const StateDict& state);

 protected:
  /// Records the optimizer's current lrs as base lrs. Derived constructors call apply().
  explicit Scheduler(Optimizer& optimizer);
  /// Sets each group's lr to schedule(last_epoch, base lr).
  void apply();
  virtual double schedule(int64_t epoch, double base_lr) const = 0;
  /// Sets options together, checked like at construction (used by load_state_dict).
  virtual void set_options(const OptionMap& options) = 0;

 private:
  Optimizer* optimizer_;
  std::vector<double> base_lrs_;
  int64_t last_epoch_ = 0;
};

/// Prints to_string().
std::ostream& operator<<(std::ostream& os, const Scheduler& scheduler);

/// The base of a concrete scheduler: Derived provides `static constexpr std::string_view
/// type_name` and `static double lr(const Options&, int64_t epoch, double base_lr)`.
template <class Derived, OptionsStruct O>
class SchedulerImpl : public Scheduler {
 public:
  using Options = O;

  /// Validates the options and sets the optimizer's lr for epoch 0.
  SchedulerImpl(Optimizer& optimizer, O options = {})
      : Scheduler(optimizer), options_(std::move(options)) {
    validate_options(options_, Derived::type_name);
    apply();
  }

  const O& options() const { return options_; }
  std::string_view name() const override { return Derived::type_name; }
  std::string to_string() const override {
    return std::string(Derived::type_name) + "(" + format_options(options_) + ")";
  }
  OptionMap options_map() const override { return options_to_map(options_); }

 protected:
  double schedule(int64_t epoch, double base_lr) const final {
    return Derived::lr(options_, epoch, base_lr);
  }
  void set_options(const OptionMap& options) override {
    O changed = options_;
    apply_options(changed, options, Derived::type_name);
    options_ = std::move(changed);
  }

 private:
  O options_;
};

}  // namespace minidl::optim
