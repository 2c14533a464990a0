#pragma once
// The metrics of a model on a dataset: the loss, and for classification accuracy, macro
// precision, recall and F1 and the confusion matrix; for regression MSE, RMSE, MAE and R² in
// the data's original units (after undoing a target standardization).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "minidl/data/dataset.hpp"
#include "minidl/experiment/experiment.hpp"

namespace minidl::experiment {

struct Evaluation {
  /// The configured loss, in the units the model trains in.
  double loss = 0.0;
  bool classification = false;
  // Classification (macro averages over the classes; a class never predicted has precision 0,
  // never present recall 0, as scikit-learn's zero_division=0).
  double accuracy = 0.0;
  double precision = 0.0;
  double recall = 0.0;
  double f1 = 0.0;
  /// confusion[true class][predicted class] = samples.
  std::vector<std::vector<int64_t>> confusion;
  // Regression, over every target value, in original units.
  double mse = 0.0;
  double rmse = 0.0;
  double mae = 0.0;
  double r2 = 0.0;
  int64_t samples = 0;
};

/// Evaluates `run`'s model on `dataset` (eval mode, no grad, in chunks), then puts the model
/// back in training mode.
Evaluation evaluate(Experiment& run, const data::Dataset& dataset);

/// The scalar metrics in a fixed order ("loss", "accuracy", "precision", ... or "loss", "mse",
/// "rmse", "mae", "r2"), as printed and written to JSON.
std::vector<std::pair<std::string, double>> scalar_metrics(const Evaluation& e);

}  // namespace minidl::experiment
