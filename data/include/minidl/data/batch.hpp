#pragma once
// Batch: the features and targets of a minibatch, as a DataLoader hands them out.
#include "minidl/core/tensor.hpp"

namespace minidl::data {

/// features [B, ...] (float32) and targets [B] (int64 class indices, or float32 values) or
/// [B, k] (float32). An aggregate, so `auto& [xb, yb] = batch` works.
struct Batch {
  Tensor features;
  Tensor targets;
};

}  // namespace minidl::data
