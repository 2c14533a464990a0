#pragma once
// One epoch's figures, as metrics.csv records them.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace minidl::experiment {

struct EpochMetrics {
  int64_t epoch = 0;         // from 1
  double train_loss = 0.0;   // mean of the epoch's batch losses, as training saw them
  std::optional<double> val_loss;
  std::optional<double> val_accuracy;
  std::optional<double> val_rmse;  // regression: validation RMSE in the targets' original units
  double lr = 0.0;           // group 0's learning rate during the epoch
  double seconds = 0.0;      // the epoch's training loop (validation excluded)
};

/// "epoch,train_loss,val_loss,val_accuracy,val_rmse,lr,seconds".
const char* metrics_csv_header();
/// One row; numbers in their shortest exact form, missing values empty.
std::string to_csv_row(const EpochMetrics& m);
/// Parses a row written by to_csv_row, or by a minidl before val_rmse (6 fields, no val_rmse);
/// throws ValueError for anything else.
EpochMetrics parse_csv_row(const std::string& row);
/// The first `rows` rows of the metrics.csv at `path` (either header), checked to be epochs 1..rows in order.
/// Rows after them (a run killed before its checkpoint) are ignored. Throws IOError naming
/// the file and line.
std::vector<EpochMetrics> read_metrics_csv(const std::filesystem::path& path, int64_t rows);
/// The header and every row, '\n'-terminated.
std::string to_csv(const std::vector<EpochMetrics>& rows);

}  // namespace minidl::experiment
