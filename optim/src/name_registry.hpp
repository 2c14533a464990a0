#pragma once
// A thread-safe table of entries by name, with "did you mean" errors for unknown names.
#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "closest_name.hpp"
#include "minidl/core/error.hpp"

namespace minidl::optim::detail {

template <class Entry>
class NameRegistry {
 public:
  /// `kind` names the entries in messages: "optimizer", "scheduler".
  explicit NameRegistry(std::string kind) : kind_(std::move(kind)) {}

  void add(Entry entry) {
    std::lock_guard lock(mutex_);
    const std::string name = entry.name;
    if (!entries_.emplace(name, std::move(entry)).second)
      throw ValueError(kind_ + " '" + name + "' is already registered");
  }

  /// A copy of the entry `name`; ValueError listing the known names otherwise.
  Entry find(std::string_view name) const {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(name); it != entries_.end()) return it->second;
    std::vector<std::string_view> known;
    for (const auto& [key, entry] : entries_) known.push_back(key);
    throw ValueError("unknown " + kind_ + " '" + std::string(name) + "'" + suggestion(name, known));
  }

  std::vector<std::string> names() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const auto& [key, entry] : entries_) names.push_back(key);
    return names;
  }

 private:
  std::string kind_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace minidl::optim::detail
