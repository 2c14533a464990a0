#pragma once
// Training curves drawn with PLplot (its memcairo driver, encoded with libpng): loss, validation accuracy or RMSE
// (when measured) and learning rate against epoch, one colour per run, training dashed and validation
// solid. Every run writes its own as curves.png; `minidl plot` overlays several runs.
#include <filesystem>
#include <functional>
#include <future>
#include <string>
#include <thread>
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

/// plot_curves on a thread of its own, started at construction: 20 ms later, unless a picture
/// was asked for by then, the thread does what PLplot's first picture in a process spends most
/// of its time on (loading the cairo driver and the libraries it pulls in, reading fontconfig's
/// configuration, pango's fonts; ~50 ms) while the caller goes on, as a run trains. PLplot is
/// not thread-safe: while a painter lives, no other thread may call it.
class CurvesPainter {
 public:
  CurvesPainter();
  /// Waits for the thread (for its warm-up, or for a picture finish() was not called for).
  ~CurvesPainter();
  CurvesPainter(const CurvesPainter&) = delete;
  CurvesPainter& operator=(const CurvesPainter&) = delete;

  /// Hands plot_curves(read_run_curves(run_dir), path) to the painter's thread and returns at
  /// once: the caller may go on writing other files meanwhile. Once per painter.
  void start(const std::filesystem::path& run_dir, const std::filesystem::path& path);
  /// Waits for the picture start() asked for; throws what reading or drawing it threw.
  void finish();

 private:
  std::promise<std::function<void()>> job_;
  bool job_given_ = false;
  std::future<void> drawn_;
  std::thread thread_;
};

}  // namespace minidl::experiment
