#pragma once
// Dataset: a fixed number of samples that can be gathered, by index, into batch tensors.
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "minidl/core/dtype.hpp"
#include "minidl/core/shape.hpp"
#include "minidl/core/tensor.hpp"
#include "minidl/data/batch.hpp"

namespace minidl::data {

/// What the targets are: float32 values to regress, or int64 class indices in [0, classes).
enum class Task { Regression, Classification };

/// "regression" / "classification".
const char* task_name(Task task);

/// The interface every dataset implements. Implementations are immutable after construction,
/// so get_batch may run on a loader's background thread while the user reads the dataset.
class Dataset {
 public:
  virtual ~Dataset() = default;

  /// Number of samples.
  virtual int64_t size() const = 0;
  /// Shape of one sample's features: a batch's features are [B, ...feature_shape()].
  virtual Shape feature_shape() const = 0;
  /// Shape of one sample's target: [] (a class index or one value) or [k] (k values).
  virtual Shape target_shape() const = 0;
  /// Regression (float32 targets) or classification (int64 targets).
  virtual Task task() const = 0;
  /// Number of classes for classification: the count the source declares where it has one
  /// (a generator's `classes`, Fashion-MNIST's 10), else the largest label + 1; 0 for regression.
  virtual int64_t num_classes() const = 0;
  /// The features' names where the source has them (a CSV header), in order; else empty.
  virtual std::vector<std::string> feature_names() const;
  /// Where sample `index` comes from, for messages: "iris.csv:7:19" (a CSV file's line and its
  /// target's column); "" where the dataset cannot say.
  virtual std::string sample_origin(int64_t index) const;

  /// Writes the samples `indices` (each in [0, size())), in that order, into `features` and
  /// `targets`: contiguous tensors shaped and typed as allocate_batch(indices.size()) makes them.
  /// Throws IndexError for an index out of range, ShapeError/DTypeError for a wrong buffer.
  virtual void get_batch(std::span<const int64_t> indices, Tensor& features,
                         Tensor& targets) const = 0;

  /// float32 (regression) or int64 (classification): the dtype of a batch's targets.
  DType target_dtype() const;
  /// Uninitialised, contiguous buffers for a batch of `batch_size` samples.
  Batch allocate_batch(int64_t batch_size) const;
  /// The samples `indices` as a newly allocated batch.
  Batch get(std::span<const int64_t> indices) const;
  /// Every sample, in order, as one batch (e.g. to evaluate on a whole validation set).
  Batch all() const;
};

/// Calls visit(first, targets) with the targets of samples first, first + 1, ... in chunks,
/// from sample 0 in order, until visit returns false or every sample was seen: checks over a
/// whole dataset's targets without a batch of all its features at once.
void visit_targets(const Dataset& dataset, const std::function<bool(int64_t first, const Tensor& targets)>& visit);

/// Puts a concrete dataset in a shared_ptr (moving or copying it; tensors share their data),
/// so that loaders, subsets and splits can keep it alive.
template <class D>
  requires std::derived_from<std::remove_cvref_t<D>, Dataset>
std::shared_ptr<const Dataset> share(D&& dataset) {
  return std::make_shared<const std::remove_cvref_t<D>>(std::forward<D>(dataset));
}

namespace detail {
/// Throws ShapeError/DTypeError unless `features`/`targets` fit a batch of `batch_size` of
/// `dataset`; `where` names the caller in the message.
void check_batch_buffers(const Dataset& dataset, int64_t batch_size, const Tensor& features,
                         const Tensor& targets, const char* where);
}  // namespace detail

}  // namespace minidl::data
