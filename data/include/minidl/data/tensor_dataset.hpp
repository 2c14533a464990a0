#pragma once
// TensorDataset: samples are the rows (dim 0) of a features tensor and a targets tensor.
#include <optional>
#include <utility>

#include "minidl/data/dataset.hpp"

namespace minidl::data {

/// Like torch.utils.data.TensorDataset(features, targets). Features are float32 [N, ...];
/// targets are int64 [N] (class indices: classification) or float32 [N] / [N, k] (regression).
/// The tensors are shared, not copied (a non-contiguous one is made contiguous once).
class TensorDataset : public Dataset {
 public:
  /// `classes`: the number of classes the source declares (a generator's class count, a
  /// dataset's fixed label set), which num_classes() then reports; without it, the largest
  /// label + 1, which depends on the labels the data happens to hold.
  /// Throws ShapeError if the row counts differ or targets have more than 2 dims, DTypeError
  /// when the features are not float32, ValueError for an empty dataset, a negative class label,
  /// a label >= `classes`, or `classes` given for regression targets or below 1.
  TensorDataset(Tensor features, Tensor targets, std::optional<int64_t> classes = std::nullopt);
  /// From a (features, targets) pair, as synthetic_linear returns it.
  explicit TensorDataset(std::pair<Tensor, Tensor> data, std::optional<int64_t> classes = std::nullopt)
      : TensorDataset(std::move(data.first), std::move(data.second), classes) {}

  int64_t size() const override { return features_.size(0); }
  Shape feature_shape() const override;
  Shape target_shape() const override;
  Task task() const override;
  int64_t num_classes() const override { return num_classes_; }
  /// Copies whole rows; large batches are gathered in parallel (bitwise the same for any
  /// thread count: it is a copy).
  void get_batch(std::span<const int64_t> indices, Tensor& features,
                 Tensor& targets) const override;

  /// The whole features tensor [N, ...].
  const Tensor& features() const { return features_; }
  /// The whole targets tensor [N] or [N, k].
  const Tensor& targets() const { return targets_; }

 private:
  Tensor features_;
  Tensor targets_;
  int64_t num_classes_ = 0;
};

}  // namespace minidl::data
