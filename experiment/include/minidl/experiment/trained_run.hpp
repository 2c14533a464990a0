#pragma once
// A finished run folder opened for use: its resolved config, its saved preprocessing and its
// weights, ready to evaluate (`minidl evaluate`) or to predict new rows (`minidl predict`).
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "minidl/core/tensor.hpp"
#include "minidl/experiment/evaluation.hpp"
#include "minidl/experiment/experiment.hpp"

namespace minidl::experiment {

/// What a run is opened for, and so which of its data is read: evaluating reads the data the
/// config names; predicting needs only the shapes the run recorded, so the folder works
/// anywhere, without the training data (a run saved before minidl recorded them reads the data).
enum class RunUse { Evaluate, Predict };

class TrainedRun {
 public:
  /// Reads `dir`/config.yaml with `overrides` applied, `dir`/preprocessing.safetensors and the
  /// weights (`weights`, or `dir`/model.safetensors when empty). Throws IOError naming a missing
  /// or damaged file, ConfigError for a bad override or (to evaluate) data it cannot read.
  explicit TrainedRun(const std::filesystem::path& dir, std::span<const std::string> overrides = {},
                      const std::filesystem::path& weights = {}, RunUse use = RunUse::Evaluate);

  Experiment& experiment() { return *run_; }
  const std::filesystem::path& dir() const { return dir_; }

  /// The metrics on the validation data (the run's own, or another given by override). Throws
  /// ConfigError when the config has no validation data.
  Evaluation evaluate();

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Experiment> run_;
};

/// One row per input row: the class and its probabilities (classification) or the predicted
/// values in original units (regression).
struct Predictions {
  bool classification = false;
  /// Classification: int64 [N], the most probable class.
  Tensor classes;
  /// Classification: float32 [N, C] probabilities; regression: float32 [N, k] values.
  Tensor values;
  /// Regression: the target's name, for the CSV header.
  std::string target_name;
};

/// Applies `run`'s preprocessing and model to the rows of the CSV file `input` (its columns the
/// training features, in order, an image's pixels row by row; the target column may be present
/// or absent). Throws IOError
/// naming `input:line:column` for a non-numeric value, a row of the wrong width, or a header
/// with another number of features than the model was trained on.
Predictions predict(TrainedRun& run, const std::string& input);

/// "class,p0,p1,..." or "<target>" and one row per prediction, numbers as the shortest text that reads back to the same float32.
std::string predictions_csv(const Predictions& p);

}  // namespace minidl::experiment
