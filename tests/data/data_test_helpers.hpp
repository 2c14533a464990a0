#pragma once
// Datasets whose samples say which index they are, so tests can check orders and coverage.
#include <cstdint>
#include <vector>

#include "minidl/data.hpp"

namespace minidl::data::testing {

/// n samples of `width` features; sample i has features i, i + 0.5, ... and class i % classes.
inline TensorDataset indexed_dataset(int64_t n, int64_t width = 2, int64_t classes = 3) {
  std::vector<float> x(static_cast<size_t>(n * width));
  std::vector<int64_t> y(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < width; ++j) x[static_cast<size_t>(i * width + j)] = static_cast<float>(i) + 0.5f * j;
    y[static_cast<size_t>(i)] = i % classes;
  }
  return TensorDataset(Tensor::from(x, {n, width}), Tensor::from_int64(y, {n}));
}

/// The sample indices of a batch of indexed_dataset (its first feature column).
inline std::vector<int64_t> sample_ids(const Batch& batch) {
  std::vector<int64_t> ids;
  for (int64_t r = 0; r < batch.features.size(0); ++r)
    ids.push_back(static_cast<int64_t>(batch.features.at({r, 0})));
  return ids;
}

/// Every batch of one pass over `loader`, as sample ids.
inline std::vector<std::vector<int64_t>> one_epoch(DataLoader& loader) {
  std::vector<std::vector<int64_t>> batches;
  for (auto& batch : loader) batches.push_back(sample_ids(batch));
  return batches;
}

}  // namespace minidl::data::testing
