#pragma once
// Registry: components (layers, datasets, losses, initialisers) by name, each with its declared
// options and a factory. User code adds its own with one add() call before loading a config.
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "minidl/experiment/options.hpp"

namespace minidl::experiment {

/// A component chosen by name with its options: `{type: linear, out: 10}`, or just `relu`.
struct ComponentConfig {
  std::string type;
  Options options;
  Location where;  // the component as written (its map, or its name)
};

/// What a config reader needs to know of one component: its documentation and options.
struct ComponentInfo {
  std::string doc;
  std::vector<OptionDecl> options;
};

/// Reads `node` — a name, or a map with `type` and options — as one of the components that
/// `info_of` knows (it returns null for an unknown name). `kind` ("layer", "loss") and `names`
/// (the known ones) make the error for an unknown or missing type. `reserved` keys besides
/// `type` are allowed in the map and left to the caller (an optimizer's `param_groups`).
ComponentConfig read_component(const ConfigNode& node, const std::string& kind,
                               std::span<const std::string> names,
                               const std::function<const ComponentInfo*(const std::string&)>& info_of,
                               std::span<const std::string> reserved = {});

/// The component as YAML: {type: ..., every option in declaration order}.
YAML::Node to_yaml(const ComponentConfig& component);

/// Components of one kind by name; `Factory` is the function that builds one.
template <class Factory>
class Registry {
 public:
  struct Entry {
    ComponentInfo info;
    Factory make;
  };

  /// `kind` names the components in messages: "layer", "dataset", "loss", "initialiser".
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  /// Adds `name`, replacing a component of the same name (so users can override built-ins).
  void add(const std::string& name, ComponentInfo info, Factory make) {
    entries_.insert_or_assign(name, Entry{std::move(info), std::move(make)});
  }
  const Entry* find(std::string_view name) const {
    const auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }
  /// The entry for a component read from a config (it was validated then, so it exists).
  const Entry& at(const ComponentConfig& component) const;
  /// Sorted names.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [name, entry] : entries_) out.push_back(name);
    return out;
  }
  const std::string& kind() const { return kind_; }

  /// Reads a component of this registry from `node` (see read_component).
  ComponentConfig read(const ConfigNode& node, std::span<const std::string> reserved = {}) const {
    const std::vector<std::string> known = names();
    return read_component(
        node, kind_, known,
        [this](const std::string& name) {
          const Entry* e = find(name);
          return e ? &e->info : nullptr;
        },
        reserved);
  }

 private:
  std::string kind_;
  std::map<std::string, Entry, std::less<>> entries_;
};

template <class Factory>
const typename Registry<Factory>::Entry& Registry<Factory>::at(const ComponentConfig& c) const {
  const Entry* e = find(c.type);
  if (!e) throw ConfigError(c.where, "unknown " + kind_ + " '" + c.type + "'");
  return *e;
}

}  // namespace minidl::experiment
