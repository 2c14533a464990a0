#include "minidl/experiment/progress.hpp"

#include <fmt/format.h>

#include <cmath>
#include <ostream>

namespace minidl::experiment {

namespace {
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);
constexpr int kWidth = 30;
}  // namespace

ProgressBar::ProgressBar(std::ostream& out, int64_t epoch, int64_t epochs, int64_t batches)
    : out_(out), epoch_(epoch), epochs_(epochs), batches_(batches),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void ProgressBar::update(int64_t done, int64_t samples, double loss) {
  const auto now = std::chrono::steady_clock::now();
  // Drawing costs far more than a small training step: only every 100 ms, and at the end.
  if (now - last_draw_ < kRedrawInterval && done < batches_) return;
  last_draw_ = now;
  draw(done, samples, loss);
}

void ProgressBar::draw(int64_t done, int64_t samples, double loss) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(samples) / elapsed : 0.0;
  const double eta = done > 0 ? elapsed * static_cast<double>(batches_ - done) / static_cast<double>(done) : 0.0;
  const int filled = batches_ > 0 ? static_cast<int>(kWidth * done / batches_) : kWidth;
  out_ << fmt::format("\r\033[Kepoch {}/{} [{}{}] {}/{} loss {:.6g} {:.0f} samples/s ETA {}", epoch_,
                      epochs_, std::string(static_cast<size_t>(filled), '#'),
                      std::string(static_cast<size_t>(kWidth - filled), '.'), done, batches_, loss, rate,
                      duration_text(eta))
       << std::flush;
  drawn_ = true;
}

void ProgressBar::clear() {
  if (drawn_) out_ << "\r\033[K" << std::flush;
  drawn_ = false;
}

std::string duration_text(double seconds) {
  if (!std::isfinite(seconds)) return "-";
  if (seconds <= 0) return "0s";
  // Each unit up to where its three digits would round to 1000 ("1e+03us" said 1.00ms).
  if (seconds < 999.5e-6) return fmt::format("{:.3g}us", seconds * 1e6);
  if (seconds < 0.9995) return fmt::format("{:.3g}ms", seconds * 1e3);
  if (seconds < 59.95) return fmt::format("{:.3g}s", seconds);
  const long long whole = std::llround(seconds);
  if (whole < 3600) return fmt::format("{}m {:02}s", whole / 60, whole % 60);
  return fmt::format("{}h {:02}m {:02}s", whole / 3600, whole / 60 % 60, whole % 60);
}

}  // namespace minidl::experiment
