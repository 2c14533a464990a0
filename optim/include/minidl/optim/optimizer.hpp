#pragma once
// Optimizer: parameter groups, lazily created per-parameter state, step(), zero_grad(),
// per-group options and a state_dict keyed by parameter name. OptimizerImpl<Derived, Options>
// supplies everything but the update itself, so a new optimizer is one options struct and
// one class with an update() function.
#include <cstddef>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "minidl/optim/options.hpp"
#include "minidl/optim/param_group.hpp"
#include "minidl/optim/param_state.hpp"
#include "minidl/optim/state_dict.hpp"

namespace minidl::optim {

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// Updates every parameter that has a gradient, under NoGradGuard. A parameter without a
  /// gradient is skipped: its value, state and step count stay as they are.
  void step();
  /// Zeroes every gradient in place, or drops them (set_to_none), as PyTorch 1.13 does.
  void zero_grad(bool set_to_none = false);

  /// The optimizer's type, as printed: "Adam".
  virtual std::string_view name() const = 0;
  /// "Adam(lr=0.001, betas=(0.9, 0.999), ...)", then each group that overrides an option.
  virtual std::string to_string() const = 0;

  std::size_t num_param_groups() const { return groups_.size(); }
  /// The named parameters of group `group`.
  const NamedParameters& params(std::size_t group = 0) const;
  /// The option `name` of group `group`; ValueError for an unknown name.
  virtual OptionValue option(std::size_t group, std::string_view name) const = 0;
  /// Sets options of group `group` together, checked like at construction (all or none).
  virtual void set_options(std::size_t group, const OptionMap& options) = 0;
  /// Sets one option of group `group`, checked like at construction.
  void set_option(std::size_t group, std::string_view name, const OptionValue& value) {
    set_options(group, OptionMap{{std::string(name), value}});
  }
  /// Every option of group `group` by name.
  virtual OptionMap group_options(std::size_t group) const = 0;

  /// The learning rate of group `group` (what schedulers read and set).
  double lr(std::size_t group = 0) const;
  void set_lr(std::size_t group, double lr);
  /// Sets the learning rate of every group.
  void set_lr(double lr);

  /// The state of the parameter `param_name`, or nullptr before its first update.
  const ParamState* state(std::string_view param_name) const;

  /// Every buffer and step count by parameter name, the type and each group's options and
  /// parameter names. Tensors are shared with the optimizer, as in PyTorch: save them before
  /// the next step().
  StateDict state_dict() const;
  /// Restores a state_dict() of an optimizer of the same type over parameters of the same
  /// names (matched by name, group by group): options, buffers and step counts, copied.
  /// Keys outside "state." / "param_groups." / "optimizer" are ignored, so a whole
  /// checkpoint may be passed. Throws ValueError or ShapeError naming what does not match.
  void load_state_dict(const StateDict& state);

 protected:
  explicit Optimizer(ParamGroups params);
  /// The options group `group` was given at construction (overrides of the defaults).
  const OptionMap& group_overrides(std::size_t group) const { return groups_[group].options; }
  /// One update of `param` (contiguous float32) from `grad` (contiguous, same shape).
  virtual void update_parameter(std::size_t group, ParamState& state, Tensor& param,
                                const Tensor& grad) = 0;

 private:
  struct Location {
    std::size_t group;
    std::size_t index;
  };
  Location locate(std::string_view param_name) const;

  std::vector<ParamGroup> groups_;
  std::vector<std::vector<ParamState>> states_;  // parallel to groups_[g].params
  std::map<std::string, Location, std::less<>> by_name_;
};

/// Prints to_string().
std::ostream& operator<<(std::ostream& os, const Optimizer& optimizer);

/// The base of a concrete optimizer: Derived provides `static constexpr std::string_view
/// type_name` and `void update(const Options&, ParamState&, Tensor& param, const Tensor& grad)`;
/// everything else (groups, options by name, printing, state) comes from here.
template <class Derived, OptionsStruct O>
class OptimizerImpl : public Optimizer {
 public:
  using Options = O;

  /// Each group gets `defaults` with its own overrides applied; all are validated.
  explicit OptimizerImpl(ParamGroups params, O defaults = {})
      : Optimizer(std::move(params)), defaults_(std::move(defaults)) {
    validate_options(defaults_, Derived::type_name);
    for (std::size_t g = 0; g < num_param_groups(); ++g) {
      O group = defaults_;
      apply_options(group, group_overrides(g), Derived::type_name);
      options_.push_back(std::move(group));
    }
  }

  /// The options the groups fall back to.
  const O& defaults() const { return defaults_; }
  /// The options in force for group `group`.
  const O& options(std::size_t group = 0) const { return options_.at(group); }

  std::string_view name() const override { return Derived::type_name; }

  std::string to_string() const override {
    std::string text = std::string(Derived::type_name) + "(" + format_options(defaults_);
    for (std::size_t g = 0; g < options_.size(); ++g)
      if (std::string changed = format_changed_options(options_[g], defaults_); !changed.empty())
        text += "; group " + std::to_string(g) + ": " + changed;
    return text + ")";
  }

  OptionValue option(std::size_t group, std::string_view key) const override {
    return get_option(options_.at(group), key, Derived::type_name);
  }

  void set_options(std::size_t group, const OptionMap& options) override {
    O changed = options_.at(group);
    apply_options(changed, options, Derived::type_name);
    options_[group] = std::move(changed);
  }

  OptionMap group_options(std::size_t group) const override {
    return options_to_map(options_.at(group));
  }

 protected:
  void update_parameter(std::size_t group, ParamState& state, Tensor& param,
                        const Tensor& grad) final {
    static_cast<Derived&>(*this).update(options_[group], state, param, grad);
  }

 private:
  O defaults_;
  std::vector<O> options_;  // one per group
};

}  // namespace minidl::optim
