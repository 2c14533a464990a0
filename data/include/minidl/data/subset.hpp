#pragma once
// Subset: a view of some samples of another dataset, in a given order (no data is copied).
#include <memory>
#include <vector>

#include "minidl/data/dataset.hpp"

namespace minidl::data {

/// Like torch.utils.data.Subset: sample i is dataset[indices[i]].
class Subset : public Dataset {
 public:
  /// Throws IndexError for an index outside [0, dataset->size()), ValueError if `indices` is empty.
  Subset(std::shared_ptr<const Dataset> dataset, std::vector<int64_t> indices);

  int64_t size() const override { return static_cast<int64_t>(indices_.size()); }
  Shape feature_shape() const override { return dataset_->feature_shape(); }
  Shape target_shape() const override { return dataset_->target_shape(); }
  Task task() const override { return dataset_->task(); }
  /// The underlying dataset's class count (a subset may miss some classes, not renumber them).
  int64_t num_classes() const override { return dataset_->num_classes(); }
  std::vector<std::string> feature_names() const override { return dataset_->feature_names(); }
  void get_batch(std::span<const int64_t> indices, Tensor& features,
                 Tensor& targets) const override;

  /// The dataset this is a view of.
  const std::shared_ptr<const Dataset>& dataset() const { return dataset_; }
  /// The underlying dataset's index of each sample.
  const std::vector<int64_t>& indices() const { return indices_; }

 private:
  std::shared_ptr<const Dataset> dataset_;
  std::vector<int64_t> indices_;
};

}  // namespace minidl::data
