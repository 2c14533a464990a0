#include "minidl/experiment/curves.hpp"

#include <plplot.h>
#include <png.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

#include "minidl/core/error.hpp"
#include "minidl/core/storage.hpp"
#include "minidl/experiment/run_folder.hpp"
#include "minidl/io/file_io.hpp"

namespace minidl::experiment {

namespace fs = std::filesystem;

namespace {

constexpr int kWidth = 1500, kHeight = 480;
// PLplot colour map 0 indices: 0 background, 1 axes and text, then one per run.
constexpr int kBackground = 0, kInk = 1, kFirstRunColour = 2;
// Matplotlib's "tab10" colours: told apart at a glance, also by most colour-blind readers.
constexpr std::array<std::array<int, 3>, 10> kRunColours = {{{31, 119, 180}, {255, 127, 14}, {44, 160, 44},
                                                            {214, 39, 40}, {148, 103, 189}, {140, 86, 75},
                                                            {227, 119, 194}, {127, 127, 127}, {188, 189, 34},
                                                            {23, 190, 207}}};
constexpr int kSolid = 1, kDashed = 3;

using Column = std::function<std::optional<double>(const EpochMetrics&)>;

// One line of a panel: a column of one run.
struct Series {
  int colour;
  int style;
  std::vector<PLFLT> x, y;
};

std::vector<Series> series_of(const std::vector<RunCurves>& runs, const std::vector<std::pair<Column, int>>& columns) {
  std::vector<Series> out;
  for (size_t r = 0; r < runs.size(); ++r)
    for (const auto& [column, style] : columns) {
      Series s{kFirstRunColour + static_cast<int>(r % kRunColours.size()), style, {}, {}};
      for (const EpochMetrics& m : runs[r].rows)
        if (const std::optional<double> v = column(m); v && std::isfinite(*v)) {
          s.x.push_back(static_cast<PLFLT>(m.epoch));
          s.y.push_back(*v);
        }
      if (!s.x.empty()) out.push_back(std::move(s));
    }
  return out;
}

// One panel: axes, labels and every series; a log y axis when the values span decades.
void draw_panel(const std::vector<Series>& series, int64_t epochs, const char* ylabel, const char* title) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const Series& s : series)
    for (PLFLT y : s.y) lo = std::min(lo, y), hi = std::max(hi, y);
  const bool log_scale = lo > 0 && hi / lo > 30;
  auto scaled = [&](double y) { return log_scale ? std::log10(y) : y; };
  double ymin = scaled(lo), ymax = scaled(hi);
  // A constant series (a fixed learning rate) gets a band around its value, not a flat box.
  const double pad = ymax > ymin ? 0.05 * (ymax - ymin) : ymin != 0 ? 0.5 * std::abs(ymin) : 1.0;
  ymin -= pad;
  ymax += pad;
  pladv(0);
  plvpor(0.2, 0.95, 0.2, 0.88);
  plwind(epochs > 1 ? 1.0 : 0.5, epochs > 1 ? static_cast<double>(epochs) : 1.5, ymin, ymax);
  plcol0(kInk);
  pllsty(kSolid);
  plwidth(1.0);
  // Whole epochs only: a tick at epoch 1.5 means nothing.
  plbox("bcnst", epochs <= 10 ? 1.0 : 0.0, epochs <= 10 ? 1 : 0, log_scale ? "bcnstvl" : "bcnstv", 0.0, 0);
  pllab("epoch", "", title);
  plmtex("l", 5.0, 0.5, 0.5, ylabel);  // clear of the widest tick labels ("0.0001")
  plwidth(2.0);
  for (const Series& s : series) {
    std::vector<PLFLT> y(s.y.size());
    std::transform(s.y.begin(), s.y.end(), y.begin(), scaled);
    plcol0(s.colour);
    pllsty(s.style);
    if (s.x.size() == 1) {
      plpoin(1, s.x.data(), y.data(), 4);  // one epoch: a mark, not an invisible line
    } else {
      plline(static_cast<PLINT>(s.x.size()), s.x.data(), y.data());
    }
  }
  pllsty(kSolid);
  plwidth(1.0);
}

// The legend of the loss panel: each run's colour, then what dashed and solid lines are.
void draw_legend(const std::vector<RunCurves>& runs, bool has_validation) {
  std::vector<std::string> texts;
  std::vector<PLINT> colours, styles;
  if (runs.size() > 1)
    for (size_t r = 0; r < runs.size(); ++r) {
      texts.push_back(runs[r].label);
      colours.push_back(kFirstRunColour + static_cast<PLINT>(r % kRunColours.size()));
      styles.push_back(kSolid);
    }
  const PLINT key_colour = runs.size() > 1 ? kInk : kFirstRunColour;
  texts.emplace_back("train");
  colours.push_back(key_colour);
  styles.push_back(kDashed);
  if (has_validation) {
    texts.emplace_back("validation");
    colours.push_back(key_colour);
    styles.push_back(kSolid);
  }
  const auto n = static_cast<PLINT>(texts.size());
  std::vector<const char*> text(texts.size());
  std::transform(texts.begin(), texts.end(), text.begin(), [](const std::string& t) { return t.c_str(); });
  std::vector<PLINT> options(texts.size(), PL_LEGEND_LINE), zeros(texts.size(), 0), ink(texts.size(), kInk);
  std::vector<PLFLT> widths(texts.size(), 2.0), scales(texts.size(), 1.0);
  std::vector<const char*> symbols(texts.size(), "");
  PLFLT width = 0, height = 0;
  pllegend(&width, &height, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, PL_POSITION_RIGHT | PL_POSITION_TOP, 0.02,
           0.02, 0.12, kBackground, kInk, kSolid, 0, 0, n, options.data(), 1.0, 0.8, 2.0, 0.0, ink.data(),
           text.data(), nullptr, nullptr, nullptr, nullptr, colours.data(), styles.data(), widths.data(),
           nullptr, nullptr, nullptr, nullptr);
}

bool has_memcairo() {
  // plgDevs fills arrays the caller provides; `count` goes in as their size.
  std::vector<const char*> menus(256), names(256);
  const char** menu = menus.data();
  const char** name = names.data();
  int count = static_cast<int>(names.size());
  plgDevs(&menu, &name, &count);
  return std::any_of(names.begin(), names.begin() + count, [](const char* n) { return std::string_view(n) == "memcairo"; });
}

// What PLplot's first picture in a process spends most of its ~50 ms on, on a tiny picture that
// is thrown away: its driver table, the cairo driver and the libraries it loads, fontconfig's
// configuration, pango's font for the labels (pango keeps a font map per thread, so the picture
// that counts is drawn on the same thread).
void warm_up_plplot() {
  if (!has_memcairo()) return;  // plot_curves reports it
  constexpr int kSide = 16;
  std::vector<uint8_t> rgb(size_t{kSide} * kSide * 3, 255);
  PLINT stream = 0;
  plmkstrm(&stream);
  plsdev("memcairo");
  plsmem(kSide, kSide, rgb.data());
  plinit();
  pladv(0);
  plvpor(0.2, 0.95, 0.2, 0.88);
  plwind(1.0, 2.0, 0.0, 1.0);
  plbox("bcnst", 0.0, 0, "bcnstv", 0.0, 0);
  pllab("epoch", "", "loss");
  plend1();
}

// `rgb` (kWidth x kHeight, 3 bytes a pixel) as PNG bytes. zlib level 1 with no row filter: measured on
// a 1500x480 plot, 4.4 ms and 40 kB against 34 ms and 34 kB with libpng's defaults (all filters
// tried on every row, level 6), which is what the pngcairo driver spent most of its time in.
std::vector<uint8_t> encode_png(std::span<uint8_t> rgb, const fs::path& path) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    throw IOError("cannot draw '" + path.string() + "': libpng could not start");
  }
  std::vector<uint8_t> out;
  std::vector<png_bytep> rows(kHeight);
  for (int y = 0; y < kHeight; ++y) rows[y] = rgb.data() + static_cast<size_t>(y) * kWidth * 3;
  // libpng reports errors by longjmp: nothing with a destructor is created below this point.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw IOError("cannot draw '" + path.string() + "': libpng failed to encode it");
  }
  png_set_write_fn(
      png, &out,
      [](png_structp p, png_bytep data, png_size_t n) {
        auto* bytes = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(p));
        bytes->insert(bytes->end(), data, data + n);
      },
      nullptr);
  png_set_IHDR(png, info, kWidth, kHeight, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
  png_set_compression_level(png, Z_BEST_SPEED);
  png_set_rows(png, info, rows.data());
  png_write_png(png, info, PNG_TRANSFORM_IDENTITY, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

}  // namespace

RunCurves read_run_curves(const fs::path& run_dir) {
  const fs::path csv = RunFiles(run_dir).metrics();
  std::error_code ec;
  if (!fs::is_regular_file(csv, ec))
    throw IOError("'" + csv.string() + "' does not exist: not a minidl run folder");
  const std::vector<uint8_t> bytes = io::read_file(csv);
  // Complete rows end in '\n'; the first line is the header.
  const auto lines = std::count(bytes.begin(), bytes.end(), static_cast<uint8_t>('\n'));
  fs::path name = run_dir.filename().empty() ? run_dir.parent_path().filename() : run_dir.filename();
  return {name.string(), read_metrics_csv(csv, std::max<int64_t>(0, lines - 1))};
}

void plot_curves(const std::vector<RunCurves>& runs, const fs::path& path) {
  int64_t epochs = 0;
  bool accuracy = false, rmse = false, validation = false;
  for (const RunCurves& run : runs)
    for (const EpochMetrics& m : run.rows) {
      epochs = std::max(epochs, m.epoch);
      accuracy |= m.val_accuracy.has_value();
      rmse |= m.val_rmse.has_value();
      validation |= m.val_loss.has_value();
    }
  if (epochs == 0) throw ValueError("plot: no epoch to draw (every metrics.csv is empty)");
  if (!has_memcairo())
    throw IOError("cannot draw '" + path.string() +
                  "': PLplot has no memcairo driver (install the Debian package plplot-driver-cairo)");
  // PLplot draws into memory (memcairo draws over what is there: start from the white background);
  // encode_png writes the file, much faster than the pngcairo driver's cairo_surface_write_to_png.
  // A core Storage: 2 MiB and more come from core's block cache on transparent huge pages, where
  // small pages were ~530 page faults at ~10 us each on these virtual machines (`minidl plot`
  // took a median 88 ms against 100 ms).
  Storage pixels(static_cast<size_t>(kWidth) * kHeight * 3);
  const std::span<uint8_t> rgb(static_cast<uint8_t*>(pixels.data()), pixels.nbytes());
  std::fill(rgb.begin(), rgb.end(), uint8_t{255});
  PLINT stream = 0;
  plmkstrm(&stream);
  plsdev("memcairo");
  plsmem(kWidth, kHeight, rgb.data());
  // The whole colour map at once: plscol0 needs a map PLplot has already allocated.
  std::array<PLINT, kFirstRunColour + kRunColours.size()> red{255, 0}, green{255, 0}, blue{255, 0};
  for (size_t c = 0; c < kRunColours.size(); ++c) {
    red[kFirstRunColour + c] = kRunColours[c][0];
    green[kFirstRunColour + c] = kRunColours[c][1];
    blue[kFirstRunColour + c] = kRunColours[c][2];
  }
  plscmap0(red.data(), green.data(), blue.data(), static_cast<PLINT>(red.size()));
  plstar(2 + (accuracy ? 1 : 0) + (rmse ? 1 : 0), 1);
  plschr(0.0, 0.8);
  plsyax(5, 0);  // up to 5 digits before PLplot moves an exponent to where the title is

  draw_panel(series_of(runs, {{[](const EpochMetrics& m) { return std::optional(m.train_loss); }, kDashed},
                              {[](const EpochMetrics& m) { return m.val_loss; }, kSolid}}),
             epochs, "loss", "loss");
  draw_legend(runs, validation);
  if (accuracy)
    draw_panel(series_of(runs, {{[](const EpochMetrics& m) { return m.val_accuracy; }, kSolid}}), epochs,
               "accuracy", "validation accuracy");
  if (rmse)
    draw_panel(series_of(runs, {{[](const EpochMetrics& m) { return m.val_rmse; }, kSolid}}), epochs,
               "RMSE (target units)", "validation RMSE");
  draw_panel(series_of(runs, {{[](const EpochMetrics& m) { return std::optional(m.lr); }, kSolid}}), epochs,
             "learning rate", "learning rate");
  plend1();
  io::write_file_atomically(path, encode_png(rgb, path));
}

namespace {
constexpr std::chrono::milliseconds kUndisturbedTraining{20};
}  // namespace

CurvesPainter::CurvesPainter()
    : thread_([job = job_.get_future()]() mutable {
        // The warm-up maps and relocates some thirty libraries, and the training thread's page
        // faults and TLB flushes wait on that: three epochs of d2l's linear regression took
        // 0.6-1.2 ms beside it and 0.45-0.53 ms alone. So it first lets a run train undisturbed
        // for a while; a run that is done sooner draws straight away (its process took as long
        // as before, within the noise), a longer one still hides the warm-up.
        if (job.wait_for(kUndisturbedTraining) != std::future_status::ready) warm_up_plplot();
        if (const std::function<void()> draw = job.get()) draw();
      }) {}

CurvesPainter::~CurvesPainter() {
  if (!job_given_) job_.set_value(nullptr);
  thread_.join();
}

void CurvesPainter::start(const fs::path& run_dir, const fs::path& path) {
  if (job_given_) throw ValueError("CurvesPainter::start: a painter draws one picture");
  auto task = std::make_shared<std::packaged_task<void()>>(
      [run_dir, path] { plot_curves({read_run_curves(run_dir)}, path); });
  drawn_ = task->get_future();
  job_.set_value([task] { (*task)(); });
  job_given_ = true;
}

void CurvesPainter::finish() {
  if (!drawn_.valid()) throw ValueError("CurvesPainter::finish: no picture was started");
  drawn_.get();
}

}  // namespace minidl::experiment
