#include "minidl/io/state_dict.hpp"

#include "minidl/core/error.hpp"

namespace minidl::io {

StateDict::StateDict(std::initializer_list<Entry> entries) {
  for (const auto& [name, value] : entries) insert(name, value);
}

void StateDict::insert(std::string name, Tensor value) {
  if (index_.contains(name)) throw ValueError("StateDict: duplicate name \"" + name + "\"");
  index_.emplace(name, entries_.size());
  entries_.emplace_back(std::move(name), std::move(value));
}

const Tensor* StateDict::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &entries_[it->second].second;
}

const Tensor& StateDict::at(std::string_view name) const {
  if (const Tensor* t = find(name)) return *t;
  std::string present;
  for (const auto& [n, _] : entries_) present += (present.empty() ? "" : ", ") + n;
  throw ValueError("StateDict: no entry \"" + std::string(name) + "\" (present: " +
                   (present.empty() ? "none" : present) + ")");
}

std::vector<std::string> StateDict::names() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& [name, _] : entries_) out.push_back(name);
  return out;
}

StateDict StateDict::clone() const {
  StateDict out;
  for (const auto& [name, value] : entries_) out.insert(name, value.clone());
  out.metadata = metadata;
  return out;
}

void StateDict::merge(const StateDict& other, std::string_view prefix) {
  const std::string p(prefix);
  for (const auto& [name, _] : other)
    if (contains(p + name)) throw ValueError("StateDict.merge: duplicate name \"" + p + name + "\"");
  for (const auto& [key, _] : other.metadata)
    if (metadata.contains(p + key)) throw ValueError("StateDict.merge: duplicate metadata key \"" + p + key + "\"");
  for (const auto& [name, value] : other) insert(p + name, value);
  for (const auto& [key, value] : other.metadata) metadata.emplace(p + key, value);
}

StateDict StateDict::extract(std::string_view prefix) const {
  StateDict out;
  for (const auto& [name, value] : entries_)
    if (name.starts_with(prefix)) out.insert(name.substr(prefix.size()), value);
  for (auto it = metadata.lower_bound(std::string(prefix)); it != metadata.end() && it->first.starts_with(prefix); ++it)
    out.metadata.emplace(it->first.substr(prefix.size()), it->second);
  return out;
}

}  // namespace minidl::io
