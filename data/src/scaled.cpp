#include "minidl/data/scaled.hpp"

#include <cmath>
#include <string>

#include "minidl/core/error.hpp"

namespace minidl::data {

ScaledDataset::ScaledDataset(std::shared_ptr<const Dataset> dataset, float factor)
    : dataset_(std::move(dataset)), factor_(factor) {
  if (!dataset_) throw ValueError("ScaledDataset: the dataset is null");
  if (!(factor > 0.0f) || !std::isfinite(factor))
    throw ValueError("ScaledDataset: the factor must be a finite number > 0, got " + std::to_string(factor));
}

void ScaledDataset::get_batch(std::span<const int64_t> indices, Tensor& features, Tensor& targets) const {
  dataset_->get_batch(indices, features, targets);
  features.mul_(factor_);
}

}  // namespace minidl::data
