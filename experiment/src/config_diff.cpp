#include "minidl/experiment/config_diff.hpp"

namespace minidl::experiment {

namespace {

std::string one_line(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "(none)";
  if (node.IsScalar()) return node.Scalar();
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

std::string child_key(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

void compare(const YAML::Node& before, const YAML::Node& after, const std::string& key,
             std::vector<ConfigChange>& out) {
  const bool absent_before = !before.IsDefined() || before.IsNull();
  const bool absent_after = !after.IsDefined() || after.IsNull();
  if (absent_before || absent_after || before.Type() != after.Type() || before.IsScalar()) {
    if (absent_before && absent_after) return;
    if (!absent_before && !absent_after && before.IsScalar() && after.IsScalar() &&
        before.Scalar() == after.Scalar())
      return;
    out.push_back({key, one_line(before), one_line(after)});
    return;
  }
  if (after.IsSequence()) {
    for (size_t i = 0; i < std::max(before.size(), after.size()); ++i)
      compare(i < before.size() ? before[i] : YAML::Node(), i < after.size() ? after[i] : YAML::Node(),
              child_key(key, std::to_string(i)), out);
    return;
  }
  // Maps; looking keys up in a const node never inserts them.
  for (const auto& entry : after) {
    const std::string name = entry.first.Scalar();
    compare(before[name], entry.second, child_key(key, name), out);
  }
  for (const auto& entry : before) {
    const std::string name = entry.first.Scalar();
    if (!after[name]) compare(entry.second, YAML::Node(), child_key(key, name), out);
  }
}

}  // namespace

std::vector<ConfigChange> config_changes(const YAML::Node& before, const YAML::Node& after) {
  std::vector<ConfigChange> out;
  compare(before, after, "", out);
  return out;
}

std::string to_string(const ConfigChange& change) {
  return change.key + ": " + change.before + " -> " + change.after;
}

}  // namespace minidl::experiment
