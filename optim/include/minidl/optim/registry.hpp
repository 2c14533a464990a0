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
#include "minidl/optim/options.hpp"
#include "minidl/optim/scheduler.hpp"

namespace minidl::optim {

/// Builds an optimizer over `params` from options by name (defaults for the rest).
using OptimizerFactory = std::function<std::unique_ptr<Optimizer>(ParamGroups, const OptionMap&)>;
/// Builds a scheduler of `optimizer` from options by name.
using SchedulerFactory = std::function<std::unique_ptr<Scheduler>(Optimizer&, const OptionMap&)>;

/// A registered name: how to build it, and its options for help text and documentation.
template <class Factory>
struct RegistryEntry {
  std::string name;
  Factory make;
  std::vector<OptionInfo> options;
};
using OptimizerEntry = RegistryEntry<OptimizerFactory>;
using SchedulerEntry = RegistryEntry<SchedulerFactory>;

/// The entry for optimizer class T under `name`; `preset` changes defaults (like "momentum").
template <class T>
OptimizerEntry optimizer_entry(std::string name, OptionMap preset = {}) {
  using O = typename T::Options;
  std::vector<OptionInfo> infos = option_infos<O>();
  for (OptionInfo& info : infos)
    if (auto it = preset.find(info.name); it != preset.end())
      info.default_value = it->second.to_string();
  auto factory = [preset = std::move(preset)](ParamGroups params, const OptionMap& given) {
    OptionMap options = preset;
    for (const auto& [key, value] : given) options.insert_or_assign(key, value);
    return std::unique_ptr<Optimizer>(
        std::make_unique<T>(std::move(params), options_from_map<O>(options, T::type_name)));
  };
  return {std::move(name), std::move(factory), std::move(infos)};
}

/// The entry for scheduler class T under `name`.
template <class T>
SchedulerEntry scheduler_entry(std::string name) {
  using O = typename T::Options;
  auto factory = [](Optimizer& optimizer, const OptionMap& given) {
    return std::unique_ptr<Scheduler>(
        std::make_unique<T>(optimizer, options_from_map<O>(given, T::type_name)));
  };
  return {std::move(name), std::move(factory), option_infos<O>()};
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
/// The options of a registered optimizer or scheduler (ValueError for an unknown name).
std::vector<OptionInfo> optimizer_options(std::string_view name);
std::vector<OptionInfo> scheduler_options(std::string_view name);

}  // namespace minidl::optim
