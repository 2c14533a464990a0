#pragma once
// Preprocessing: what a run's data went through before the model saw it (the scale, the feature
// standardizer and, for regression, the target standardizer), fitted on the training part. A
// run saves it beside its weights (preprocessing.safetensors), so evaluate and predict feed
// the model exactly as training did without refitting anything.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "minidl/core/tensor.hpp"
#include "minidl/data/dataset.hpp"
#include "minidl/data/standardizer.hpp"
#include "minidl/experiment/config.hpp"

namespace minidl::experiment {

/// What the model was trained on, as predict needs it without reading the data again: one
/// sample's feature and target shapes, the task and (classification) the number of classes.
struct TrainedShapes {
  Shape features;
  Shape target;
  data::Task task = data::Task::Regression;
  int64_t classes = 0;
  /// The features' names where the data has them (a CSV header), so predict can match columns by name.
  std::vector<std::string> feature_names;
};

struct Preprocessing {
  /// The factor every feature was multiplied by when loaded (`transform.scale`).
  float scale = 1.0f;
  /// `transform.standardize`: per-feature mean and std of the scaled training features.
  std::optional<data::Standardizer> features;
  /// `transform.standardize_target`: mean and std of the training targets (regression only).
  std::optional<data::Standardizer> target;
  /// The training data's shapes (none in a run saved before minidl recorded them).
  std::optional<TrainedShapes> trained_on;

  /// Fits what `transform` asks for on `train` (already scaled). Throws ConfigError at `where`
  /// for standardize_target on classification data.
  static Preprocessing fit(const TransformConfig& transform, const data::Dataset& train, const Location& where);

  /// `dataset` (already scaled) with its features and targets standardized as fitted.
  std::shared_ptr<const data::Dataset> apply(std::shared_ptr<const data::Dataset> dataset) const;
  /// Raw features [B, ...] as the model takes them: scaled, then standardized (a new tensor).
  Tensor model_input(const Tensor& raw) const;
  /// Regression outputs or targets in the model's units back in the data's original units (a
  /// new tensor; unchanged values without target standardization).
  Tensor original_units(const Tensor& values) const;
};

/// Writes `p` as safetensors: tensors "features.mean", "features.std", "target.mean",
/// "target.std" (those fitted), metadata "minidl.scale" and, with trained_on, "minidl.features_shape",
/// "minidl.target_shape" (comma-separated sizes), "minidl.task", "minidl.classes" and, where the
/// data names its features, "minidl.feature_names" (a JSON list). Atomic;
/// IOError naming the path.
void save_preprocessing(const std::filesystem::path& path, const Preprocessing& p);
/// Reads what save_preprocessing wrote; IOError naming the path and the key for anything else.
Preprocessing load_preprocessing(const std::filesystem::path& path);

}  // namespace minidl::experiment
