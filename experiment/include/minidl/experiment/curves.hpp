#pragma once
// Training curves drawn with PLplot (its memcairo driver, encoded with libpng): loss, validation accuracy or RMSE
// (when measured) and learning rate against epoch, one colour per run, training dashed and validation
// solid. Every run writes its own as curves.png; `minidl plot` overlays several runs.
#include <filesystem>
#include <string>
#include <vector>

#include "minidl/experiment/metrics.hpp"

namespace minidl::experiment {

/// One run's rows and the name its legend entry shows.
struct RunCurves {
  std::string label;
  std::vector<EpochMetrics> rows;
};

/// Every complete row of `run_dir`/metrics.csv. Throws IOError naming the file (and line).
RunCurves read_run_curves(const std::filesystem::path& run_dir);

/// Draws `runs` as a PNG at `path` (written atomically). Throws ValueError when no run has a
/// row, IOError when the file cannot be written or PLplot has no memcairo driver.
void plot_curves(const std::vector<RunCurves>& runs, const std::filesystem::path& path);

}  // namespace minidl::experiment
