#include "minidl/experiment/preprocessing.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "minidl/core/number_text.hpp"
#include "minidl/data/tensor_dataset.hpp"
#include "minidl/io/safetensors.hpp"

namespace minidl::experiment {

namespace {

constexpr const char* kScale = "minidl.scale";

// A regression dataset whose targets are standardized as batches are gathered.
class TargetStandardizedDataset : public data::Dataset {
 public:
  TargetStandardizedDataset(std::shared_ptr<const data::Dataset> dataset, data::Standardizer standardizer)
      : dataset_(std::move(dataset)), standardizer_(std::move(standardizer)) {}
  int64_t size() const override { return dataset_->size(); }
  Shape feature_shape() const override { return dataset_->feature_shape(); }
  Shape target_shape() const override { return dataset_->target_shape(); }
  data::Task task() const override { return dataset_->task(); }
  int64_t num_classes() const override { return dataset_->num_classes(); }
  void get_batch(std::span<const int64_t> indices, Tensor& features, Tensor& targets) const override {
    dataset_->get_batch(indices, features, targets);
    standardizer_.transform_(targets);
  }

 private:
  std::shared_ptr<const data::Dataset> dataset_;
  data::Standardizer standardizer_;
};

// The standardizer saved under `prefix` ("features.", "target."), if the file has one.
std::optional<data::Standardizer> read_standardizer(const io::StateDict& file, const std::string& prefix,
                                                    const std::filesystem::path& path) {
  const Tensor* mean = file.find(prefix + "mean");
  const Tensor* std = file.find(prefix + "std");
  if (!mean && !std) return std::nullopt;
  if (!mean || !std)
    throw IOError(path.string() + ": has '" + prefix + (mean ? "mean" : "std") + "' but no '" + prefix +
                  (mean ? "std" : "mean") + "'");
  try {
    return data::Standardizer(*mean, *std);
  } catch (const Error& e) {
    throw IOError(path.string() + ": '" + prefix + "mean'/'" + prefix + "std': " + e.what());
  }
}

}  // namespace

Preprocessing Preprocessing::fit(const TransformConfig& transform, const data::Dataset& train,
                                 const Location& where) {
  Preprocessing p;
  p.scale = static_cast<float>(transform.scale);
  if (transform.standardize) p.features = data::Standardizer::fit(train);
  if (transform.standardize_target) {
    if (train.task() != data::Task::Regression)
      throw ConfigError(where, "data.transform.standardize_target: needs regression targets, but the training "
                               "data is classification (class indices are not standardized)");
    // The targets seen as features: the feature standardizer's fit gives their mean and std.
    const Tensor targets = train.all().targets;
    p.target = data::Standardizer::fit(data::TensorDataset(targets, targets));
  }
  return p;
}

std::shared_ptr<const data::Dataset> Preprocessing::apply(std::shared_ptr<const data::Dataset> dataset) const {
  if (features) dataset = features->apply(std::move(dataset));
  if (target) dataset = std::make_shared<const TargetStandardizedDataset>(std::move(dataset), *target);
  return dataset;
}

Tensor Preprocessing::model_input(const Tensor& raw) const {
  Tensor x = raw.contiguous().clone();
  if (scale != 1.0f) {
    float* v = x.data<float>();
    for (int64_t i = 0; i < x.numel(); ++i) v[i] *= scale;
  }
  if (features) features->transform_(x);
  return x;
}

Tensor Preprocessing::original_units(const Tensor& values) const {
  Tensor y = values.contiguous().clone();
  if (!target) return y;
  const Tensor mean = target->mean().contiguous();
  const Tensor std = target->std().contiguous();
  const int64_t width = mean.numel();
  float* v = y.data<float>();
  for (int64_t i = 0; i < y.numel(); ++i) v[i] = v[i] * std.data<float>()[i % width] + mean.data<float>()[i % width];
  return y;
}

void save_preprocessing(const std::filesystem::path& path, const Preprocessing& p) {
  io::StateDict file;
  if (p.features) {
    file.insert("features.mean", p.features->mean());
    file.insert("features.std", p.features->std());
  }
  if (p.target) {
    file.insert("target.mean", p.target->mean());
    file.insert("target.std", p.target->std());
  }
  file.metadata[kScale] = format_number(p.scale);
  io::save_safetensors(path, file);
}

Preprocessing load_preprocessing(const std::filesystem::path& path) {
  const io::StateDict file = io::load_safetensors(path);
  Preprocessing p;
  const auto scale = file.metadata.find(kScale);
  if (scale == file.metadata.end())
    throw IOError(path.string() + ": not a minidl preprocessing file (no '" + kScale + "' in its metadata)");
  const std::optional<double> value = parse_number(scale->second);
  if (!value || !std::isfinite(*value) || *value <= 0)
    throw IOError(path.string() + ": metadata '" + kScale + "' must be a number > 0, got '" + scale->second + "'");
  p.scale = static_cast<float>(*value);
  p.features = read_standardizer(file, "features.", path);
  p.target = read_standardizer(file, "target.", path);
  return p;
}

}  // namespace minidl::experiment
