#include "minidl/experiment/registry.hpp"

#include "minidl/experiment/suggest.hpp"

namespace minidl::experiment {

ComponentConfig read_component(const ConfigNode& node, const std::string& kind,
                               std::span<const std::string> names,
                               const std::function<const ComponentInfo*(const std::string&)>& info_of,
                               std::span<const std::string> reserved) {
  if (node.is_null()) node.fail("missing " + kind + ": expected one of " + join_names(names));
  if (!node.is_scalar() && !node.is_map())
    node.fail("expected a " + kind + " name or a map with 'type', got " + node.describe());
  const ConfigNode type_node = node.is_scalar() ? node : node.require("type");
  const std::string type = type_node.as_string();
  const ComponentInfo* info = info_of(type);
  if (!info)
    type_node.fail("unknown " + kind + " '" + type + "'" + did_you_mean(type, names) + "; known: " +
                   join_names(names));
  ComponentConfig out{type, {}, node.location()};
  if (node.is_scalar()) {
    out.options = read_options(node, info->options);  // a bare name: every option defaulted
  } else {
    std::vector<std::string> allowed(reserved.begin(), reserved.end());
    allowed.push_back("type");
    out.options = read_options(node, info->options, allowed);
  }
  return out;
}

YAML::Node to_yaml(const ComponentConfig& component) {
  YAML::Node node(YAML::NodeType::Map);
  node["type"] = component.type;
  for (const Options::Entry& e : component.options.entries()) node[e.name] = to_yaml(e.value);
  return node;
}

}  // namespace minidl::experiment
