#pragma once
// Standardizer: per-feature (x - mean) / std, fitted on one dataset (the training split) and
// applied unchanged to others (validation, test), like scikit-learn's StandardScaler.
#include <memory>

#include "minidl/data/dataset.hpp"

namespace minidl::data {

class Standardizer {
 public:
  /// Mean and population std (ddof = 0) of each feature over every sample of `dataset`,
  /// accumulated serially in double. A constant feature gets std 1, so it maps to 0.
  static Standardizer fit(const Dataset& dataset);
  /// A standardizer with the given mean and std (float32, the feature shape; std > 0).
  Standardizer(Tensor mean, Tensor std);

  /// Per-feature means, shaped like one sample's features.
  const Tensor& mean() const { return mean_; }
  /// Per-feature standard deviations (never 0), shaped like one sample's features.
  const Tensor& std() const { return std_; }

  /// Standardises a batch of features [B, ...feature shape] in place.
  void transform_(Tensor& features) const;
  /// `dataset` seen through this standardizer (its batches' features are standardised).
  std::shared_ptr<const Dataset> apply(std::shared_ptr<const Dataset> dataset) const;

 private:
  Tensor mean_;
  Tensor std_;
};

/// A dataset whose features are standardised on the fly as batches are gathered.
class StandardizedDataset : public Dataset {
 public:
  /// Throws ShapeError if the standardizer was fitted on another feature shape.
  StandardizedDataset(std::shared_ptr<const Dataset> dataset, Standardizer standardizer);

  int64_t size() const override { return dataset_->size(); }
  Shape feature_shape() const override { return dataset_->feature_shape(); }
  Shape target_shape() const override { return dataset_->target_shape(); }
  Task task() const override { return dataset_->task(); }
  int64_t num_classes() const override { return dataset_->num_classes(); }
  std::vector<std::string> feature_names() const override { return dataset_->feature_names(); }
  void get_batch(std::span<const int64_t> indices, Tensor& features,
                 Tensor& targets) const override;

  const Standardizer& standardizer() const { return standardizer_; }

 private:
  std::shared_ptr<const Dataset> dataset_;
  Standardizer standardizer_;
};

}  // namespace minidl::data
