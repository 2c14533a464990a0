#include "minidl/data/standardizer.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace minidl::data {

namespace {
// Samples per get_batch call while fitting: bounds the memory of one pass.
constexpr int64_t kFitChunk = 1024;

// Calls body(features [B, F] flattened, B) for consecutive chunks of the dataset, in order.
template <class Body>
void for_each_chunk(const Dataset& dataset, Body&& body) {
  const int64_t n = dataset.size();
  std::vector<int64_t> indices;
  for (int64_t start = 0; start < n; start += kFitChunk) {
    const int64_t count = std::min(kFitChunk, n - start);
    indices.resize(static_cast<size_t>(count));
    std::iota(indices.begin(), indices.end(), start);
    const Batch batch = dataset.get(indices);
    body(batch.features.data<float>(), count);
  }
}
}  // namespace

Standardizer Standardizer::fit(const Dataset& dataset) {
  const Shape shape = dataset.feature_shape();
  const auto width = static_cast<size_t>(shape.numel());
  const auto n = static_cast<double>(dataset.size());
  if (dataset.size() == 0) throw ValueError("Standardizer::fit: the dataset is empty (size 0)");
  // Two passes (mean, then squared deviations) in double: accurate and order-fixed.
  std::vector<double> sum(width, 0.0), squares(width, 0.0);
  for_each_chunk(dataset, [&](const float* x, int64_t rows) {
    for (int64_t r = 0; r < rows; ++r)
      for (size_t j = 0; j < width; ++j) sum[j] += x[static_cast<size_t>(r) * width + j];
  });
  std::vector<double> mean(width);
  for (size_t j = 0; j < width; ++j) mean[j] = sum[j] / n;
  for_each_chunk(dataset, [&](const float* x, int64_t rows) {
    for (int64_t r = 0; r < rows; ++r)
      for (size_t j = 0; j < width; ++j) {
        const double d = x[static_cast<size_t>(r) * width + j] - mean[j];
        squares[j] += d * d;
      }
  });
  Tensor mean_t = Tensor::empty(shape), std_t = Tensor::empty(shape);
  float* m = mean_t.data<float>();
  float* s = std_t.data<float>();
  for (size_t j = 0; j < width; ++j) {
    m[j] = static_cast<float>(mean[j]);
    const auto sd = static_cast<float>(std::sqrt(squares[j] / n));
    s[j] = sd > 0.0f ? sd : 1.0f;
  }
  return Standardizer(std::move(mean_t), std::move(std_t));
}

Standardizer::Standardizer(Tensor mean, Tensor std) : mean_(mean.contiguous()), std_(std.contiguous()) {
  check_dtype(mean_, DType::Float32, "Standardizer mean");
  check_dtype(std_, DType::Float32, "Standardizer std");
  if (mean_.shape() != std_.shape())
    throw ShapeError("Standardizer: mean and std must have the same shape, got " + to_string(mean_.shape()) +
                     " and " + to_string(std_.shape()));
  const float* s = std_.data<float>();
  for (int64_t j = 0; j < std_.numel(); ++j)
    if (!(s[j] > 0.0f))
      throw ValueError("Standardizer: std must be > 0, got " + std::to_string(s[j]) + " for feature " +
                       std::to_string(j));
}

void Standardizer::transform_(Tensor& features) const {
  check_dtype(features, DType::Float32, "Standardizer::transform_");
  const int64_t width = mean_.numel();
  Shape sample = features.shape();
  if (sample.size() > 0) sample.erase(0);
  if (!features.is_contiguous() || sample != mean_.shape())
    throw ShapeError("Standardizer::transform_: expected contiguous features [B, " +
                     to_string(mean_.shape()).substr(1) + ", got " + to_string(features.shape()));
  const float* m = mean_.data<float>();
  const float* s = std_.data<float>();
  float* x = features.data<float>();
  const int64_t rows = features.size(0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < width; ++j) x[r * width + j] = (x[r * width + j] - m[j]) / s[j];
  features.bump_version();
}

std::shared_ptr<const Dataset> Standardizer::apply(std::shared_ptr<const Dataset> dataset) const {
  return std::make_shared<const StandardizedDataset>(std::move(dataset), *this);
}

StandardizedDataset::StandardizedDataset(std::shared_ptr<const Dataset> dataset, Standardizer standardizer)
    : dataset_(std::move(dataset)), standardizer_(std::move(standardizer)) {
  if (!dataset_) throw ValueError("StandardizedDataset: the dataset is null");
  if (dataset_->feature_shape() != standardizer_.mean().shape())
    throw ShapeError("StandardizedDataset: the standardizer was fitted on features of shape " +
                     to_string(standardizer_.mean().shape()) + ", the dataset has " +
                     to_string(dataset_->feature_shape()));
}

void StandardizedDataset::get_batch(std::span<const int64_t> indices, Tensor& features,
                                    Tensor& targets) const {
  dataset_->get_batch(indices, features, targets);
  standardizer_.transform_(features);
}

}  // namespace minidl::data
