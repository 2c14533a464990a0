#pragma once
// The optim layer's optimizers and schedulers seen as config components: their names and
// options come from optim's own declarations (declared once there, never repeated here).
#include <map>
#include <span>
#include <string>
#include <vector>

#include "minidl/experiment/registry.hpp"
#include "minidl/optim/option_value.hpp"

namespace minidl::experiment {

/// Components of one kind known to the optim layer, with their declared options.
struct ComponentCatalog {
  std::string kind;  // "optimizer" or "scheduler"
  std::vector<std::string> names;
  std::map<std::string, ComponentInfo> infos;

  /// Reads a component of this catalog (see read_component).
  ComponentConfig read(const ConfigNode& node, std::span<const std::string> reserved = {}) const;
};

/// Every optimizer registered with optim (built-in and user-added) at the time of the call.
ComponentCatalog optimizer_catalog();
/// Every scheduler registered with optim at the time of the call.
ComponentCatalog scheduler_catalog();

/// The options as optim takes them (numbers as double, flags, lists of numbers).
optim::OptionMap to_option_map(const Options& options);

}  // namespace minidl::experiment
