#pragma once
// The terminal progress bar of a training epoch: batches done, loss, samples/s and ETA,
// redrawn in place at most ten times a second.
#include <chrono>
#include <cstdint>
#include <iosfwd>

namespace minidl::experiment {

class ProgressBar {
 public:
  /// A bar for epoch `epoch` of `epochs`, `batches` long, drawn on `out`.
  ProgressBar(std::ostream& out, int64_t epoch, int64_t epochs, int64_t batches);

  /// Records that `done` batches (`samples` samples) are finished; `loss` is the running mean.
  void update(int64_t done, int64_t samples, double loss);
  /// Erases the bar, leaving the line for the epoch's summary.
  void clear();

 private:
  void draw(int64_t done, int64_t samples, double loss);

  std::ostream& out_;
  int64_t epoch_, epochs_, batches_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool drawn_ = false;
};

}  // namespace minidl::experiment
