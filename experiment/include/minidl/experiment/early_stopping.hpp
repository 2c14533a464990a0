#pragma once
// BestEpoch: follows one epoch metric to know the best epoch so far (whose weights the run keeps
// as model_best.safetensors) and, with `train.early_stopping`, when to stop. Its state is a
// function of the metric rows alone, so a resumed run rebuilds it exactly from metrics.csv.
#include <cstdint>
#include <optional>
#include <string>

#include "minidl/experiment/config.hpp"
#include "minidl/experiment/metrics.hpp"

namespace minidl::experiment {

class BestEpoch {
 public:
  /// Follows `config.early_stopping` when set (and then stops), else val_loss (train_loss
  /// without validation data), min, never stopping.
  BestEpoch(const TrainConfig& config, bool has_validation);

  /// Records epoch `m`; true when it is the new best (better than the best by more than min_delta).
  bool update(const EpochMetrics& m);
  /// True once early stopping is configured and `patience` epochs in a row did not improve.
  bool should_stop() const { return patience_ > 0 && epochs_without_improvement_ >= patience_; }

  const std::string& metric() const { return metric_; }
  /// 0 before any epoch.
  int64_t best_epoch() const { return best_epoch_; }
  double best_value() const { return best_value_; }
  int64_t epochs_without_improvement() const { return epochs_without_improvement_; }

 private:
  std::string metric_;
  bool maximize_ = false;
  double min_delta_ = 0.0;
  int64_t patience_ = 0;  // 0: never stop
  int64_t best_epoch_ = 0;
  double best_value_ = 0.0;
  int64_t epochs_without_improvement_ = 0;
};

/// The value of `metric` ("val_loss", "val_accuracy", "train_loss") in `m`; nullopt when the
/// row has none (no validation data).
std::optional<double> metric_value(const EpochMetrics& m, const std::string& metric);

/// Throws ConfigError at `train.early_stopping` when its metric cannot be measured (a
/// validation metric without validation data, accuracy without classification) or its mode
/// contradicts the metric (a loss maximised, accuracy minimised).
void check_early_stopping(const TrainConfig& config, bool has_validation, bool reports_accuracy);

}  // namespace minidl::experiment
