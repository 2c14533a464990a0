#include "minidl/data/dataset.hpp"

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

namespace minidl::data {

const char* task_name(Task task) {
  return task == Task::Classification ? "classification" : "regression";
}

std::vector<std::string> Dataset::feature_names() const { return {}; }

std::string Dataset::sample_origin(int64_t) const { return {}; }

DType Dataset::target_dtype() const {
  return task() == Task::Classification ? DType::Int64 : DType::Float32;
}

namespace {
Shape with_batch_dim(int64_t batch_size, const Shape& sample) {
  Shape shape{batch_size};
  for (int64_t d : sample) shape.push_back(d);
  return shape;
}
}  // namespace

Batch Dataset::allocate_batch(int64_t batch_size) const {
  const Shape features = with_batch_dim(batch_size, feature_shape());
  const Shape targets = with_batch_dim(batch_size, target_shape());
  checked_nbytes(features, DType::Float32, "Dataset::allocate_batch: the features");
  checked_nbytes(targets, target_dtype(), "Dataset::allocate_batch: the targets");
  return {Tensor::empty(features, DType::Float32), Tensor::empty(targets, target_dtype())};
}

Batch Dataset::get(std::span<const int64_t> indices) const {
  Batch batch = allocate_batch(static_cast<int64_t>(indices.size()));
  get_batch(indices, batch.features, batch.targets);
  return batch;
}

Batch Dataset::all() const {
  std::vector<int64_t> indices(static_cast<size_t>(size()));
  std::iota(indices.begin(), indices.end(), int64_t{0});
  return get(indices);
}

void visit_targets(const Dataset& dataset, const std::function<bool(int64_t first, const Tensor& targets)>& visit) {
  // A chunk's features are gathered too: 1024 samples keep that small for images.
  constexpr int64_t kChunk = 1024;
  const int64_t n = dataset.size();
  std::vector<int64_t> indices;
  for (int64_t first = 0; first < n; first += kChunk) {
    indices.resize(static_cast<size_t>(std::min(kChunk, n - first)));
    std::iota(indices.begin(), indices.end(), first);
    if (!visit(first, dataset.get(indices).targets)) return;
  }
}

namespace detail {

void check_batch_buffers(const Dataset& dataset, int64_t batch_size, const Tensor& features,
                         const Tensor& targets, const char* where) {
  const auto check = [&](const Tensor& t, const Shape& sample, DType dtype, const char* name) {
    const Shape expected = with_batch_dim(batch_size, sample);
    if (!t.defined() || t.shape() != expected || !t.is_contiguous())
      throw ShapeError(std::string(where) + ": " + name + " buffer must be a contiguous tensor of shape " +
                       to_string(expected) + ", got " +
                       (t.defined() ? to_string(t.shape()) + (t.is_contiguous() ? "" : " (non-contiguous)")
                                    : std::string("an undefined tensor")));
    if (t.dtype() != dtype)
      throw DTypeError(std::string(where) + ": " + name + " buffer must be " + dtype_name(dtype) +
                       ", got " + dtype_name(t.dtype()));
  };
  check(features, dataset.feature_shape(), DType::Float32, "features");
  check(targets, dataset.target_shape(), dataset.target_dtype(), "targets");
}

}  // namespace detail
}  // namespace minidl::data
