#include "minidl/experiment/curves.hpp"

#include <plplot.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <string_view>

#include "minidl/core/error.hpp"
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

// A scratch file name for PLplot's output, unique to this process and call.
fs::path scratch_png() {
  static int counter = 0;  // per process: only the plotting thread uses it
  return fs::temp_directory_path() /
         ("minidl_curves_" + std::to_string(::getpid()) + "_" + std::to_string(++counter) + ".png");
}

bool has_pngcairo() {
  // plgDevs fills arrays the caller provides; `count` goes in as their size.
  std::vector<const char*> menus(256), names(256);
  const char** menu = menus.data();
  const char** name = names.data();
  int count = static_cast<int>(names.size());
  plgDevs(&menu, &name, &count);
  return std::any_of(names.begin(), names.begin() + count, [](const char* n) { return std::string_view(n) == "pngcairo"; });
}

}  // namespace

RunCurves read_run_curves(const fs::path& run_dir) {
  const fs::path csv = run_dir / "metrics.csv";
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
  if (!has_pngcairo())
    throw IOError("cannot draw '" + path.string() +
                  "': PLplot has no pngcairo driver (install the Debian package plplot-driver-cairo)");
  const fs::path scratch = scratch_png();
  PLINT stream = 0;
  plmkstrm(&stream);
  plsdev("pngcairo");
  plsfnam(scratch.c_str());
  plspage(0, 0, kWidth, kHeight, 0, 0);
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

  std::error_code ec;
  if (!fs::is_regular_file(scratch, ec)) throw IOError("cannot draw '" + path.string() + "': PLplot wrote no file");
  const std::vector<uint8_t> png = io::read_file(scratch);
  fs::remove(scratch, ec);
  io::write_file_atomically(path, png);
}

}  // namespace minidl::experiment
