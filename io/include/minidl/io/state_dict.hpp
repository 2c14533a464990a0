#pragma once
// StateDict: named tensors in a fixed order plus string metadata — what a module or an
// optimizer saves and loads, and what a safetensors file holds.
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "minidl/core/tensor.hpp"

namespace minidl::io {

/// Free-form string pairs beside the tensors (a safetensors file's "__metadata__").
using Metadata = std::map<std::string, std::string>;

/// An ordered map from unique names to tensors ("0.weight" -> [128, 64] float32, ...), with
/// metadata ("optimizer" -> "Adam", ...). Iteration follows insertion order; lookups by name
/// are logarithmic. Like PyTorch's state_dict (an OrderedDict with its _metadata).
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

  /// Number of tensors (metadata not counted).
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }
  /// The tensor names, in order.
  std::vector<std::string> names() const;

  /// The same names and metadata with every tensor cloned: a snapshot that later writes to
  /// the original tensors (a module's parameters, say) do not change.
  StateDict clone() const;

  /// Appends `other`'s tensors and metadata with `prefix` before every name and key (an
  /// optimizer's and a scheduler's state in one). Throws ValueError on a name or key already
  /// present, before changing anything.
  void merge(const StateDict& other, std::string_view prefix = "");
  /// The tensors and metadata whose names start with `prefix`, with the prefix removed.
  StateDict extract(std::string_view prefix) const;

  /// Text that belongs to no tensor; it has no invariant tying it to the tensors.
  Metadata metadata;

 private:
  std::vector<Entry> entries_;
  std::map<std::string, size_t, std::less<>> index_;
};

}  // namespace minidl::io
