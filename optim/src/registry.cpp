// The optimizer and scheduler registries. Each fills itself with the built-ins on first use,
// from code this file calls directly: a static registrar object in another translation unit
// would be dropped by the linker when minidl is linked statically.
#include "minidl/optim/registry.hpp"

#include "minidl/optim/adagrad.hpp"
#include "minidl/optim/adam.hpp"
#include "minidl/optim/adamw.hpp"
#include "minidl/optim/rmsprop.hpp"
#include "minidl/optim/schedulers.hpp"
#include "minidl/optim/sgd.hpp"

namespace minidl::optim {
namespace {

void register_builtin_optimizers(Registry<OptimizerEntry>& registry) {
  registry.add(optimizer_entry<SGD>("sgd"));
  registry.add(optimizer_entry<SGD>("momentum", {{"momentum", 0.9}}));
  registry.add(optimizer_entry<Adagrad>("adagrad"));
  registry.add(optimizer_entry<Adam>("adam"));
  registry.add(optimizer_entry<AdamW>("adamw"));
  registry.add(optimizer_entry<RMSprop>("rmsprop"));
}

void register_builtin_schedulers(Registry<SchedulerEntry>& registry) {
  registry.add(scheduler_entry<StepLR>("step"));
  registry.add(scheduler_entry<MultiStepLR>("multistep"));
  registry.add(scheduler_entry<ExponentialLR>("exponential"));
  registry.add(scheduler_entry<CosineAnnealingLR>("cosine"));
  registry.add(scheduler_entry<LinearLR>("linear_warmup"));
}

Registry<OptimizerEntry>& mutable_optimizers() {
  static Registry<OptimizerEntry> registry("optimizer");
  [[maybe_unused]] static const bool builtins = (register_builtin_optimizers(registry), true);
  return registry;
}

Registry<SchedulerEntry>& mutable_schedulers() {
  static Registry<SchedulerEntry> registry("scheduler");
  [[maybe_unused]] static const bool builtins = (register_builtin_schedulers(registry), true);
  return registry;
}

}  // namespace

const Registry<OptimizerEntry>& optimizers() { return mutable_optimizers(); }
const Registry<SchedulerEntry>& schedulers() { return mutable_schedulers(); }

void register_optimizer(OptimizerEntry entry) { mutable_optimizers().add(std::move(entry)); }
void register_scheduler(SchedulerEntry entry) { mutable_schedulers().add(std::move(entry)); }

std::unique_ptr<Optimizer> make(std::string_view name, ParamGroups params,
                                const OptionMap& options) {
  return optimizers().find(name).make(std::move(params), options);
}

std::unique_ptr<Scheduler> make_scheduler(std::string_view name, Optimizer& optimizer,
                                          const OptionMap& options) {
  return schedulers().find(name).make(optimizer, options);
}

std::vector<std::string> optimizer_names() { return optimizers().names(); }
std::vector<std::string> scheduler_names() { return schedulers().names(); }

std::vector<OptionInfo> optimizer_options(std::string_view name) {
  return optimizers().find(name).options;
}
std::vector<OptionInfo> scheduler_options(std::string_view name) {
  return schedulers().find(name).options;
}

}  // namespace minidl::optim
