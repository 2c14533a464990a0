#pragma once
// The keys on which two resolved configs differ, as a resumed run is checked against the
// config its checkpoint was written with.
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace minidl::experiment {

/// One key whose value differs: its dotted path ("optimizer.lr", "model.3") and its value
/// on each side as one line of YAML ("(none)" where the key is absent).
struct ConfigChange {
  std::string key;
  std::string before;
  std::string after;
};

/// Every leaf where `before` and `after` differ, in `after`'s key order then `before`'s
/// extra keys; maps are compared by key, lists by index, scalars by their text.
std::vector<ConfigChange> config_changes(const YAML::Node& before, const YAML::Node& after);

/// "optimizer.lr: 0.001 -> 0.5".
std::string to_string(const ConfigChange& change);

}  // namespace minidl::experiment
