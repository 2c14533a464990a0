#pragma once
// The terminal progress bar of a training epoch: batches done, loss, samples/s and ETA,
// redrawn in place at most ten times a second.
#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

namespace minidl::experiment {

/// A duration as a person reads it, in the unit that suits after rounding: "310us", "48.2ms",
/// "1.25s", "59.4s", then "2m 05s" and "3h 07m 12s" (whole seconds from a minute up).
std::string duration_text(double seconds);

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
