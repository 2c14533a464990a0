#pragma once
// StateDict: named tensors in a fixed order — what a module saves and loads, and what a
// safetensors file holds.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "minidl/core/tensor.hpp"

namespace minidl::io {

/// An ordered map from unique names to tensors ("0.weight" -> [128, 64] float32, ...).
/// Iteration follows insertion order; lookups by name are logarithmic.
class StateDict {
 public:
  using Entry = std::pair<std::string, Tensor>;

  StateDict() = default;
  StateDict(std::initializer_list<Entry> entries);

  /// Appends `name`; throws ValueError if the name is already present.
  void insert(std::string name, Tensor value);
  /// The tensor under `name`, or nullptr.
  const Tensor* find(std::string_view name) const;
  /// The tensor under `name`; throws ValueError naming it (and the names present) if absent.
  const Tensor& at(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }
  /// The names, in order.
  std::vector<std::string> names() const;

 private:
  std::vector<Entry> entries_;
  std::map<std::string, size_t, std::less<>> index_;
};

}  // namespace minidl::io
