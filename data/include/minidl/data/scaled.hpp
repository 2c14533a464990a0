#pragma once
// ScaledDataset: any dataset with every feature multiplied by one factor, as batches are
// gathered (0.0625 maps 0..16 pixel values to 0..1).
#include <memory>

#include "minidl/data/dataset.hpp"

namespace minidl::data {

/// A view of `dataset` whose features are multiplied by `factor` (in float32).
class ScaledDataset : public Dataset {
 public:
  /// Throws ValueError for a null dataset or a factor that is not a finite float32 > 0.
  ScaledDataset(std::shared_ptr<const Dataset> dataset, float factor);
  int64_t size() const override { return dataset_->size(); }
  Shape feature_shape() const override { return dataset_->feature_shape(); }
  Shape target_shape() const override { return dataset_->target_shape(); }
  Task task() const override { return dataset_->task(); }
  int64_t num_classes() const override { return dataset_->num_classes(); }
  std::vector<std::string> feature_names() const override { return dataset_->feature_names(); }
  void get_batch(std::span<const int64_t> indices, Tensor& features, Tensor& targets) const override;
  float factor() const { return factor_; }

 private:
  std::shared_ptr<const Dataset> dataset_;
  float factor_;
};

}  // namespace minidl::data
