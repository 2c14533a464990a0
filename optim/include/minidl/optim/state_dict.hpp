#pragma once
// StateDict: optimizer or scheduler state as a checkpoint stores it — named tensors plus
// string metadata, the two parts of a safetensors file.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "minidl/core/tensor.hpp"

namespace minidl::optim {

struct StateDict {
  /// "state.<param name>.<buffer>" and "state.<param name>.step" (int64 scalar).
  std::vector<std::pair<std::string, Tensor>> tensors;
  /// "optimizer", "param_groups.<g>.<option>", "scheduler.last_epoch", ... -> text.
  std::map<std::string, std::string> metadata;

  /// Appends `other`'s tensors and metadata (an optimizer's and a scheduler's state in one).
  void merge(const StateDict& other);
};

}  // namespace minidl::optim
