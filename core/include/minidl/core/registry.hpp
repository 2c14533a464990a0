#pragma once
// Components by name: every kind (optimizers, schedulers, layers, losses, initialisers,
// datasets) is a Registry of Component entries. An entry carries its documentation, its
// declared options and how to build it; user code adds one in one line, and a name can be
// registered once (a second registration is an error, never a silent replacement).
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "minidl/core/error.hpp"
#include "minidl/core/options.hpp"
#include "minidl/core/suggest.hpp"

namespace minidl {

/// One registered component: its name, documentation, options and factory.
template <class Factory>
struct Component {
  std::string name;
  std::string doc;
  std::vector<OptionInfo> options;
  /// The options given by name completed with every default, validated, in declaration order;
  /// throws OptionError naming the option at fault. No component is built.
  std::function<OptionList(const OptionMap&)> resolve;
  Factory make;
};

/// The resolve function of a component whose options struct is O, named `owner` in errors,
/// starting from `base` (defaults changed by a preset, such as "momentum"'s 0.9).
template <OptionsStruct O>
std::function<OptionList(const OptionMap&)> resolver(std::string owner, O base = {}) {
  return [owner = std::move(owner), base = std::move(base)](const OptionMap& given) {
    return options_to_list(options_from_map<O>(given, owner, base));
  };
}

/// A thread-safe table of components by name, with "did you mean" errors for unknown names.
template <class Entry>
class Registry {
 public:
  /// `kind` names the entries in messages: "optimizer", "layer".
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  /// Adds `entry`; ValueError if its name is taken.
  void add(Entry entry) {
    std::lock_guard lock(mutex_);
    const std::string name = entry.name;
    if (!entries_.emplace(name, std::move(entry)).second)
      throw ValueError(kind_ + " '" + name + "' is already registered");
  }

  /// The entry `name`; ValueError listing the known names (and the closest) otherwise.
  /// Entries are never removed, so the reference stays valid.
  const Entry& find(std::string_view name) const {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(name); it != entries_.end()) return it->second;
    std::vector<std::string_view> known;
    for (const auto& [key, entry] : entries_) known.push_back(key);
    throw ValueError("unknown " + kind_ + " '" + std::string(name) + "'" + suggestion(name, known));
  }

  /// The entry `name`, or null.
  const Entry* get(std::string_view name) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }

  /// Registered names, sorted.
  std::vector<std::string> names() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const auto& [key, entry] : entries_) names.push_back(key);
    return names;
  }

  /// "optimizer", "layer", ...
  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace minidl
