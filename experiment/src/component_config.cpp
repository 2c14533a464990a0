#include "minidl/experiment/component_config.hpp"

#include <algorithm>
#include <cmath>

namespace minidl::experiment {

std::optional<OptionValue> ComponentConfig::value(std::string_view name) const {
  for (const auto& [key, value] : options)
    if (key == name) return value;
  return std::nullopt;
}

const Location& ComponentConfig::where_of(std::string_view name) const {
  const auto it = written.find(name);
  return it == written.end() ? where : it->second;
}

ConfigError ComponentConfig::located(const OptionError& error) const {
  const std::string option_path = path.empty() ? error.option() : path + "." + error.option();
  // A section's own errors need not name it twice: "train.epochs: option epochs must be > 0".
  const bool section = error.component() == path;
  return ConfigError(where_of(error.option()), option_path + ": " + (section ? error.reason() : error.what()));
}

namespace {

// A scalar as YAML wrote it: `true` a flag, `3` an integer, `0.5` a number, anything else
// (quoted numbers too) a string.
OptionValue read_scalar(const ConfigNode& node) {
  if (node.is_bool()) return node.as_bool();
  if (node.is_int()) return node.as_int();
  // Digits beyond int64 would reach the option rounded: as_int says so with the exact text.
  const std::string& text = node.yaml().Scalar();
  if (node.is_number() && text.find_first_not_of("+-0123456789") == std::string::npos) node.as_int();
  if (node.is_number()) return node.as_number();
  return node.as_string();
}

OptionValue read_value(const ConfigNode& node) {
  if (node.is_list()) {
    std::vector<double> numbers;
    for (const ConfigNode& item : node.items()) numbers.push_back(item.as_number());
    return numbers;
  }
  if (!node.is_scalar()) node.fail("expected a value (a number, a flag, a string or a list), got " + node.describe());
  return read_scalar(node);
}

}  // namespace

std::pair<OptionMap, std::map<std::string, Location, std::less<>>> read_written_options(
    const ConfigNode& node, std::span<const std::string> reserved) {
  std::pair<OptionMap, std::map<std::string, Location, std::less<>>> out;
  if (!node.is_map()) return out;
  for (const auto& [key, value] : node.entries()) {
    if (key == "type" || std::find(reserved.begin(), reserved.end(), key) != reserved.end()) continue;
    // `lr:` with no value keeps the default; its place is kept, for a required option missing.
    out.second.insert_or_assign(key, value.is_null() ? node.key_location(key) : value.location());
    if (!value.is_null()) out.first.insert_or_assign(key, read_value(value));
  }
  return out;
}

ComponentConfig read_component(const ConfigNode& node, const ComponentKind& kind,
                               std::span<const std::string> reserved) {
  if (node.is_null()) node.fail("missing " + kind.kind + ": expected one of " + join_names(kind.names));
  if (!node.is_scalar() && !node.is_map())
    node.fail("expected a " + kind.kind + " name or a map with 'type', got " + node.describe());
  const ConfigNode type_node = node.is_scalar() ? node : node.require("type");
  const std::string type = type_node.as_string();
  const std::optional<ComponentKind::Entry> entry = kind.find(type);
  if (!entry)
    type_node.fail("unknown " + kind.kind + " '" + type + "'" + did_you_mean(type, kind.names) + "; known: " +
                   join_names(kind.names));
  if (node.is_map()) {
    // Unknown keys read as every other unknown key in a config: at the key, with the known ones.
    std::vector<std::string> known{"type"};
    for (const OptionInfo& option : *entry->options) known.push_back(option.name);
    known.insert(known.end(), reserved.begin(), reserved.end());
    node.check_keys(known);
  }
  ComponentConfig out{type, {}, {}, node.location(), node.path()};
  auto written = read_written_options(node, reserved);
  const OptionMap& given = written.first;
  out.written = std::move(written.second);
  out.options = out.build([&] { return (*entry->resolve)(given); });
  return out;
}

YAML::Node to_yaml(const OptionValue& value) {
  // A number stays recognisably a number when printed: 1.0, not 1.
  const auto number_text = [](double v) {
    if (std::isnan(v)) return std::string(".nan");
    if (std::isinf(v)) return std::string(v > 0 ? ".inf" : "-.inf");
    std::string s = format_number(v);
    if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
    return s;
  };
  if (const auto* list = std::get_if<std::vector<double>>(&value.get())) {
    YAML::Node seq(YAML::NodeType::Sequence);
    for (double d : *list) seq.push_back(YAML::Node(number_text(d)));
    seq.SetStyle(YAML::EmitterStyle::Flow);
    return seq;
  }
  if (const auto* number = std::get_if<double>(&value.get())) return YAML::Node(number_text(*number));
  YAML::Node scalar(value.to_string());
  if (value.is_string()) scalar.SetTag("!");  // a string, even when its text reads as a number
  return scalar;
}

YAML::Node to_yaml(const ComponentConfig& component) {
  YAML::Node node(YAML::NodeType::Map);
  node["type"] = component.type;
  for (const auto& [name, value] : component.options) node[name] = to_yaml(value);
  return node;
}

}  // namespace minidl::experiment
