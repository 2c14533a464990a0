#include "minidl/experiment/preprocessing.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "minidl/core/number_text.hpp"
#include "minidl/data/tensor_dataset.hpp"
#include "minidl/io/safetensors.hpp"

namespace minidl::experiment {

namespace {

constexpr const char* kScale = "minidl.scale";
constexpr const char* kFeaturesShape = "minidl.features_shape";
constexpr const char* kTargetShape = "minidl.target_shape";
constexpr const char* kTask = "minidl.task";
constexpr const char* kClasses = "minidl.classes";
constexpr const char* kFeatureNames = "minidl.feature_names";

std::string shape_text(const Shape& shape) {
  std::string text;
  for (int i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ',';
    text += std::to_string(shape[i]);
  }
  return text;
}

// The metadata `key` of a preprocessing file, which must be there.
const std::string& metadata(const io::StateDict& file, const std::string& key, const std::filesystem::path& path) {
  const auto it = file.metadata.find(key);
  if (it == file.metadata.end())
    throw IOError(path.string() + ": has '" + kFeaturesShape + "' but no '" + key + "' in its metadata");
  return it->second;
}

[[noreturn]] void bad_metadata(const std::filesystem::path& path, const std::string& key, const std::string& expected,
                               const std::string& value) {
  throw IOError(path.string() + ": metadata '" + key + "' must be " + expected + ", got '" + value + "'");
}

Shape read_shape(const io::StateDict& file, const std::string& key, const std::filesystem::path& path) {
  const std::string& text = metadata(file, key, path);
  Shape shape;
  if (text.empty()) return shape;
  size_t start = 0;
  while (true) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::optional<int64_t> size = parse_integer<int64_t>(text.substr(start, comma - start), 1, int64_t{1} << 40);
    if (!size || shape.size() == Shape::kMaxDims)
      bad_metadata(path, key, "up to " + std::to_string(Shape::kMaxDims) + " comma-separated sizes > 0", text);
    shape.push_back(*size);
    if (comma == text.size()) return shape;
    start = comma + 1;
  }
}

std::optional<TrainedShapes> read_trained_shapes(const io::StateDict& file, const std::filesystem::path& path) {
  if (!file.metadata.contains(kFeaturesShape)) return std::nullopt;
  TrainedShapes shapes;
  shapes.features = read_shape(file, kFeaturesShape, path);
  shapes.target = read_shape(file, kTargetShape, path);
  const std::string& task = metadata(file, kTask, path);
  if (task != data::task_name(data::Task::Regression) && task != data::task_name(data::Task::Classification))
    bad_metadata(path, kTask, "classification or regression", task);
  shapes.task = task == data::task_name(data::Task::Regression) ? data::Task::Regression : data::Task::Classification;
  const std::string& classes = metadata(file, kClasses, path);
  const std::optional<int64_t> count = parse_integer<int64_t>(classes, 0, int64_t{1} << 40);
  if (!count) bad_metadata(path, kClasses, "an integer >= 0", classes);
  shapes.classes = *count;
  if (const auto names = file.metadata.find(kFeatureNames); names != file.metadata.end()) {
    const nlohmann::json list = nlohmann::json::parse(names->second, nullptr, /*allow_exceptions=*/false);
    const bool valid = list.is_array() && std::all_of(list.begin(), list.end(), [](const auto& n) { return n.is_string(); });
    if (!valid || static_cast<int64_t>(list.size()) != shapes.features.numel())
      bad_metadata(path, kFeatureNames, "a JSON list of one name per feature", names->second);
    for (const auto& name : list) shapes.feature_names.push_back(name.get<std::string>());
  }
  return shapes;
}

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
  std::vector<std::string> feature_names() const override { return dataset_->feature_names(); }
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
  p.trained_on = TrainedShapes{train.feature_shape(), train.target_shape(), train.task(), train.num_classes(),
                               train.feature_names()};
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
  if (p.trained_on) {
    file.metadata[kFeaturesShape] = shape_text(p.trained_on->features);
    file.metadata[kTargetShape] = shape_text(p.trained_on->target);
    file.metadata[kTask] = data::task_name(p.trained_on->task);
    file.metadata[kClasses] = std::to_string(p.trained_on->classes);
    if (!p.trained_on->feature_names.empty()) file.metadata[kFeatureNames] =
          nlohmann::json(p.trained_on->feature_names).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
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
  p.trained_on = read_trained_shapes(file, path);
  return p;
}

}  // namespace minidl::experiment
