#include "minidl/experiment/early_stopping.hpp"

namespace minidl::experiment {

BestEpoch::BestEpoch(const TrainConfig& config, bool has_validation) {
  if (config.early_stopping) {
    metric_ = config.early_stopping->metric;
    maximize_ = config.early_stopping->mode == "max";
    min_delta_ = config.early_stopping->min_delta;
    patience_ = config.early_stopping->patience;
  } else {
    metric_ = has_validation ? "val_loss" : "train_loss";
  }
}

bool BestEpoch::update(const EpochMetrics& m) {
  const std::optional<double> value = metric_value(m, metric_);
  if (!value) return false;
  const bool improved = best_epoch_ == 0 || (maximize_ ? *value > best_value_ + min_delta_
                                                       : *value < best_value_ - min_delta_);
  if (improved) {
    best_epoch_ = m.epoch;
    best_value_ = *value;
    epochs_without_improvement_ = 0;
  } else {
    ++epochs_without_improvement_;
  }
  return improved;
}

std::optional<double> metric_value(const EpochMetrics& m, const std::string& metric) {
  if (metric == "train_loss") return m.train_loss;
  if (metric == "val_loss") return m.val_loss;
  if (metric == "val_accuracy") return m.val_accuracy;
  return std::nullopt;
}

void check_early_stopping(const TrainConfig& config, bool has_validation, bool reports_accuracy) {
  if (!config.early_stopping) return;
  const EarlyStoppingConfig& e = *config.early_stopping;
  const Location& where = config.early_stopping_where;
  if (e.metric != "train_loss" && !has_validation)
    throw ConfigError(where, "train.early_stopping.metric: '" + e.metric +
                                 "' needs validation data (data.validation), or use metric: train_loss");
  if (e.metric == "val_accuracy" && !reports_accuracy)
    throw ConfigError(where, "train.early_stopping.metric: 'val_accuracy' needs classification data with the "
                             "accuracy metric");
  const bool higher_is_better = e.metric == "val_accuracy";
  if ((e.mode == "max") != higher_is_better)
    throw ConfigError(where, "train.early_stopping.mode: " + e.metric + " improves " +
                                 (higher_is_better ? "upward: use mode: max" : "downward: use mode: min"));
}

}  // namespace minidl::experiment
