#pragma once
// A component chosen in a config by name with its options (`{type: linear, out: 10}`, or just
// `relu`), read through the registry that knows it. The options are checked by the component's
// own declaration (no component is built); an option error points at that option's key.
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "minidl/core/registry.hpp"
#include "minidl/experiment/config_node.hpp"

namespace minidl::experiment {

/// A component as a config chose it.
struct ComponentConfig {
  std::string type;
  /// Every option, defaults filled in, in declaration order: what config.yaml prints.
  OptionList options;
  /// The options the config wrote, with where each was written (those without a value too).
  std::map<std::string, Location, std::less<>> written;
  /// The component as written (its map, or its name), and its dotted path ("model.0").
  Location where;
  std::string path;

  /// Option `name` as resolved (nullopt when unset, like an inferred size before building).
  std::optional<OptionValue> value(std::string_view name) const;
  /// The options by name, as a factory takes them.
  OptionMap map() const { return {options.begin(), options.end()}; }
  /// Where option `name` was written; the component's place when it was not.
  const Location& where_of(std::string_view name) const;
  /// The ConfigError for `error`, at its option's key: "<where>: <path>.<option>: <message>".
  ConfigError located(const OptionError& error) const;
  /// Runs `build`, turning an OptionError into a located ConfigError and any other minidl
  /// error but an IOError (a file that cannot be read: not the config's fault) into a
  /// ConfigError at the component.
  template <class Build>
  auto build(Build&& build) const -> decltype(build());
};

/// What a config reader needs of one registry: its names, and each entry's options and resolver.
struct ComponentKind {
  /// One entry's declared options and the function that resolves them.
  struct Entry {
    const std::vector<OptionInfo>* options;
    const std::function<OptionList(const OptionMap&)>* resolve;
  };
  std::string kind;  // "layer", "optimizer", ...
  std::vector<std::string> names;
  /// The entry `type`, or nullopt for an unknown name.
  std::function<std::optional<Entry>(std::string_view type)> find;
};

/// The kind view of `registry`.
template <class E>
ComponentKind kind_of(const Registry<E>& registry) {
  return {registry.kind(), registry.names(), [&registry](std::string_view type) -> std::optional<ComponentKind::Entry> {
            const E* entry = registry.get(type);
            if (!entry) return std::nullopt;
            return ComponentKind::Entry{&entry->options, &entry->resolve};
          }};
}

/// Reads `node` — a name, or a map with `type` and options — as a component of `kind`: an
/// unknown or missing type, an unknown option, a wrong type or value all throw ConfigError at
/// the key. `reserved` keys besides `type` are left to the caller (a layer's `init`).
ComponentConfig read_component(const ConfigNode& node, const ComponentKind& kind,
                               std::span<const std::string> reserved = {});

/// The options written in the map `node` (without `type` and `reserved` keys), each read as
/// YAML gives it (flag, integer, number, string or list of numbers), with where it was written.
std::pair<OptionMap, std::map<std::string, Location, std::less<>>> read_written_options(
    const ConfigNode& node, std::span<const std::string> reserved);

/// The value as YAML: numbers in their shortest round-trip form (0.03, not 0.029999999).
YAML::Node to_yaml(const OptionValue& value);
/// The component as YAML: {type: ..., every option in declaration order}.
YAML::Node to_yaml(const ComponentConfig& component);

/// Reads the map `node` (absent: every default) as the config section O, declared by O::fields();
/// `reserved` keys (subsections, components) are left to the caller. Unknown keys, wrong types
/// and values failing their checks are ConfigErrors at the key.
template <OptionsStruct O>
O read_section(const ConfigNode& node, std::span<const std::string> reserved = {}) {
  if (!node.is_null()) node.expect_map();
  // Unknown keys are told against every key the section knows, its subsections too.
  std::vector<std::string> known(reserved.begin(), reserved.end());
  for (std::string_view name : option_names<O>()) known.emplace_back(name);
  if (!node.is_null()) node.check_keys(known);
  auto written = read_written_options(node, reserved);
  const OptionMap& given = written.first;
  const ComponentConfig section{node.path(), {}, std::move(written.second), node.location(), node.path()};
  return section.build([&] { return options_from_map<O>(given, node.path()); });
}

/// The declared options of a config section as a YAML map, in declaration order.
template <OptionsStruct O>
YAML::Node section_yaml(const O& section) {
  YAML::Node node(YAML::NodeType::Map);
  for (const auto& [name, value] : options_to_list(section)) node[name] = to_yaml(value);
  return node;
}

template <class Build>
auto ComponentConfig::build(Build&& build) const -> decltype(build()) {
  try {
    return build();
  } catch (const ConfigError&) {
    throw;
  } catch (const OptionError& e) {
    throw located(e);
  } catch (const IOError&) {
    throw;
  } catch (const Error& e) {
    throw ConfigError(where, type + ": " + e.what());
  }
}

}  // namespace minidl::experiment
