#pragma once
// Optimizers and schedulers by name, for configs and command lines. The built-ins are
// registered by the registry itself on first use (nothing for a static linker to drop);
// one line adds your own:
//
//   optim::register_optimizer<Lion>("lion");
//   auto opt = optim::make("lion", net.named_parameters(), {{"lr", 3e-4}});
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "minidl/optim/optimizer.hpp"
#include "minidl/core/registry.hpp"
#include "minidl/optim/options.hpp"
#include "minidl/optim/scheduler.hpp"

namespace minidl::optim {

/// Builds an optimizer over `params` from options by name (defaults for the rest).
using OptimizerFactory = std::function<std::unique_ptr<Optimizer>(ParamGroups, const OptionMap&)>;
/// Builds a scheduler of `optimizer` from options by name.
using SchedulerFactory = std::function<std::unique_ptr<Scheduler>(Optimizer&, const OptionMap&)>;

/// A registered optimizer or scheduler: documentation, options, and how to build it.
using OptimizerEntry = Component<OptimizerFactory>;
using SchedulerEntry = Component<SchedulerFactory>;

/// One line of documentation of component T: its `doc` when it declares one, else its type name.
template <class T>
std::string component_doc() {
  if constexpr (requires { T::doc; }) return std::string(T::doc);
  else return std::string(T::type_name);
}

/// The entry for optimizer class T under `name`; `preset` changes defaults (like "momentum").
template <class T>
OptimizerEntry optimizer_entry(std::string name, OptionMap preset = {}) {
  using O = typename T::Options;
  const O base = options_from_map<O>(preset, T::type_name);
  auto factory = [base](ParamGroups params, const OptionMap& given) {
    return std::unique_ptr<Optimizer>(
        std::make_unique<T>(std::move(params), options_from_map<O>(given, T::type_name, base)));
  };
  std::vector<OptionInfo> infos = option_infos<O>();
  for (OptionInfo& info : infos)
    if (auto it = preset.find(info.name); it != preset.end()) info.default_value = it->second.to_string();
  return {std::move(name), component_doc<T>(), std::move(infos), resolver<O>(std::string(T::type_name), base),
          std::move(factory)};
}

/// The entry for scheduler class T under `name`.
template <class T>
SchedulerEntry scheduler_entry(std::string name) {
  using O = typename T::Options;
  auto factory = [](Optimizer& optimizer, const OptionMap& given) {
    return std::unique_ptr<Scheduler>(std::make_unique<T>(optimizer, options_from_map<O>(given, T::type_name)));
  };
  return {std::move(name), component_doc<T>(), option_infos<O>(), resolver<O>(std::string(T::type_name)),
          std::move(factory)};
}

/// Adds an entry; ValueError if the name is taken.
void register_optimizer(OptimizerEntry entry);
void register_scheduler(SchedulerEntry entry);

/// Makes optimizer class T available by `name` to make() and to configs.
template <class T>
void register_optimizer(std::string name, OptionMap preset = {}) {
  register_optimizer(optimizer_entry<T>(std::move(name), std::move(preset)));
}
/// Makes scheduler class T available by `name` to make_scheduler() and to configs.
template <class T>
void register_scheduler(std::string name) {
  register_scheduler(scheduler_entry<T>(std::move(name)));
}

/// The optimizer registered as `name` over `params`. An unknown name, option or bad value
/// throws ValueError (listing the known names and suggesting the closest).
std::unique_ptr<Optimizer> make(std::string_view name, ParamGroups params,
                                const OptionMap& options = {});
/// The scheduler registered as `name`, driving `optimizer`.
std::unique_ptr<Scheduler> make_scheduler(std::string_view name, Optimizer& optimizer,
                                          const OptionMap& options = {});

/// Registered names, sorted.
std::vector<std::string> optimizer_names();
std::vector<std::string> scheduler_names();
/// The registered optimizers and schedulers (add to them with register_optimizer/_scheduler).
const Registry<OptimizerEntry>& optimizers();
const Registry<SchedulerEntry>& schedulers();
/// The options of a registered optimizer or scheduler (ValueError for an unknown name).
std::vector<OptionInfo> optimizer_options(std::string_view name);
std::vector<OptionInfo> scheduler_options(std::string_view name);

}  // namespace minidl::optim
