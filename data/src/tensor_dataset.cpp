#include "minidl/data/tensor_dataset.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "minidl/core/parallel.hpp"

namespace minidl::data {

namespace {

// A row of a contiguous tensor as raw bytes: the gather is a copy, whatever the dtype.
const std::byte* row_bytes(const Tensor& t) {
  return static_cast<const std::byte*>(t.storage()->data()) +
         t.offset() * static_cast<int64_t>(dtype_size(t.dtype()));
}

std::byte* row_bytes(Tensor& t) {
  return static_cast<std::byte*>(t.storage()->data()) +
         t.offset() * static_cast<int64_t>(dtype_size(t.dtype()));
}

Shape sample_shape(const Tensor& t) {
  Shape shape = t.shape();
  shape.erase(0);
  return shape;
}

// Asks the cache for a whole row ahead of its copy: shuffled rows are scattered over memory,
// and waiting for each row's first cache lines is most of a gather's time.
void prefetch_row(const std::byte* row, size_t row_size) {
  constexpr size_t kCacheLine = 64;
  for (size_t offset = 0; offset < row_size; offset += kCacheLine) __builtin_prefetch(row + offset);
}

// Copies rows `indices` of `src` into consecutive rows of `dst`. Rows are split across threads
// only when a batch is big enough to pay for the scheduler; every row is written by exactly
// one plain copy, so the result never depends on the thread count.
void gather_rows(const Tensor& src, std::span<const int64_t> indices, Tensor& dst) {
  const int64_t rows = src.size(0);
  const size_t row_size = static_cast<size_t>(src.numel() / std::max<int64_t>(rows, 1)) *
                          dtype_size(src.dtype());
  const std::byte* from = row_bytes(src);
  std::byte* to = row_bytes(dst);
  const int64_t n = static_cast<int64_t>(indices.size());
  const auto source_row = [&](int64_t i) {
    return from + static_cast<size_t>(indices[static_cast<size_t>(i)]) * row_size;
  };
  // Measured on 3 KB rows: prefetching 1-8 rows ahead all gain ~25%; 2 keeps it short.
  constexpr int64_t kAhead = 2;
  // A task copies at least as many bytes as kGrainSize floats: fewer do not pay for it.
  const auto grain_bytes = kGrainSize * static_cast<int64_t>(sizeof(float));
  const int64_t grain_rows = std::max<int64_t>(1, grain_bytes / static_cast<int64_t>(std::max<size_t>(row_size, 1)));
  parallel_for(n, grain_rows, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < std::min(end, begin + kAhead); ++i) prefetch_row(source_row(i), row_size);
    for (int64_t i = begin; i < end; ++i) {
      if (i + kAhead < end) prefetch_row(source_row(i + kAhead), row_size);
      std::memcpy(to + static_cast<size_t>(i) * row_size, source_row(i), row_size);
    }
  });
  dst.bump_version();
}

}  // namespace

TensorDataset::TensorDataset(Tensor features, Tensor targets, std::optional<int64_t> classes) {
  if (!features.defined() || !targets.defined())
    throw ValueError("TensorDataset: features and targets must be defined tensors");
  if (features.dim() < 1 || targets.dim() < 1 || targets.dim() > 2)
    throw ShapeError("TensorDataset: features must be [N, ...] and targets [N] or [N, k], got " +
                     to_string(features.shape()) + " and " + to_string(targets.shape()));
  if (features.size(0) != targets.size(0))
    throw ShapeError("TensorDataset: features and targets must have the same number of rows, got " +
                     to_string(features.shape()) + " and " + to_string(targets.shape()));
  if (features.size(0) == 0)
    throw ValueError("TensorDataset: the dataset is empty (features " + to_string(features.shape()) + ")");
  check_dtype(features, DType::Float32, "TensorDataset features");
  if (targets.dtype() == DType::Int64 && targets.dim() != 1)
    throw ShapeError("TensorDataset: int64 class targets must be [N], got " + to_string(targets.shape()));
  if (classes && targets.dtype() != DType::Int64)
    throw ValueError("TensorDataset: a class count (" + std::to_string(*classes) + ") needs int64 class targets, got " +
                     dtype_name(targets.dtype()));
  if (classes && *classes < 1)
    throw ValueError("TensorDataset: the class count must be >= 1, got " + std::to_string(*classes));
  features_ = features.contiguous();
  targets_ = targets.contiguous();
  if (targets_.dtype() == DType::Int64) {
    const int64_t* labels = targets_.data<int64_t>();
    for (int64_t i = 0; i < targets_.numel(); ++i) {
      if (labels[i] < 0)
        throw ValueError("TensorDataset: class labels must be >= 0, got " + std::to_string(labels[i]) +
                         " at row " + std::to_string(i));
      if (classes && labels[i] >= *classes)
        throw ValueError("TensorDataset: class label " + std::to_string(labels[i]) + " at row " + std::to_string(i) +
                         " is outside the " + std::to_string(*classes) + " declared classes (0 to " +
                         std::to_string(*classes - 1) + ")");
      num_classes_ = std::max(num_classes_, labels[i] + 1);
    }
  }
  if (classes) num_classes_ = *classes;
}

Shape TensorDataset::feature_shape() const { return sample_shape(features_); }
Shape TensorDataset::target_shape() const { return sample_shape(targets_); }

Task TensorDataset::task() const {
  return targets_.dtype() == DType::Int64 ? Task::Classification : Task::Regression;
}

void TensorDataset::get_batch(std::span<const int64_t> indices, Tensor& features,
                              Tensor& targets) const {
  const int64_t n = size();
  for (size_t i = 0; i < indices.size(); ++i)
    if (indices[i] < 0 || indices[i] >= n)
      throw IndexError("TensorDataset::get_batch: index " + std::to_string(indices[i]) + " at position " +
                       std::to_string(i) + " is out of range for a dataset of size " + std::to_string(n));
  detail::check_batch_buffers(*this, static_cast<int64_t>(indices.size()), features, targets,
                              "TensorDataset::get_batch");
  gather_rows(features_, indices, features);
  gather_rows(targets_, indices, targets);
}

}  // namespace minidl::data
