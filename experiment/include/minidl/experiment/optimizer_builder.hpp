#pragma once
// Building the optimizer and scheduler a config names, through the optim registry. Their
// options were checked against the declarations when the config was read.
#include <memory>
#include <optional>

#include "minidl/experiment/config.hpp"
#include "minidl/optim/optimizer.hpp"
#include "minidl/optim/scheduler.hpp"

namespace minidl::experiment {

/// The optimizer over `params`. Parameters matching a param_groups pattern (first match wins)
/// form that group; the rest form group 0 with the optimizer's own options. Throws ConfigError
/// for an option optim rejects or a pattern that matches no parameter.
std::unique_ptr<optim::Optimizer> make_optimizer(const OptimizerConfig& config,
                                                 const optim::NamedParameters& params);

/// The scheduler driving `optimizer`; ConfigError for an option optim rejects.
std::unique_ptr<optim::Scheduler> make_scheduler(const ComponentConfig& config,
                                                 optim::Optimizer& optimizer);

/// True when `name` matches the glob `pattern` (`*` any run of characters, `?` one character).
bool matches_pattern(const std::string& pattern, const std::string& name);

}  // namespace minidl::experiment
