// Every run draws curves.png; `minidl plot` overlays runs; both are real PNG files.
#include <gtest/gtest.h>
#include <png.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cli_helpers.hpp"
#include "minidl/core/error.hpp"
#include "minidl/experiment/curves.hpp"
#include "run_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using minidl::test::scratch;

minidl::test::CommandResult cli(const std::string& args) { return minidl::test::run_program(MINIDL_CLI, "", args); }

// The width and height in a PNG's IHDR chunk; {0, 0} when `bytes` are not a PNG.
std::pair<uint32_t, uint32_t> png_size(const std::string& bytes) {
  const std::string signature = "\x89PNG\r\n\x1a\n";
  if (bytes.size() < 24 || bytes.compare(0, 8, signature) != 0 || bytes.compare(12, 4, "IHDR") != 0) return {0, 0};
  auto big_endian = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  return {big_endian(16), big_endian(20)};
}

// The RGB pixels of the PNG file `path` (libpng decodes it); empty when it is not a valid PNG.
std::vector<unsigned char> png_pixels(const fs::path& path) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) return {};
  image.format = PNG_FORMAT_RGB;
  std::vector<unsigned char> rgb(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, rgb.data(), 0, nullptr)) return {};
  return rgb;
}

}  // namespace

TEST(Curves, ThePictureDecodesWhiteWithTheRunsColourDrawn) {
  const std::string out = scratch("curves_pixels");
  ASSERT_EQ(cli("train configs/linreg.yaml -q output=" + out).status, 0);
  const std::vector<unsigned char> rgb = png_pixels(fs::path(out) / "curves.png");
  ASSERT_EQ(rgb.size(), 1500u * 480u * 3u) << "not a valid 1500x480 PNG";
  auto pixels_of = [&](unsigned char r, unsigned char g, unsigned char b) {
    size_t n = 0;
    for (size_t i = 0; i < rgb.size(); i += 3) n += rgb[i] == r && rgb[i + 1] == g && rgb[i + 2] == b;
    return n;
  };
  EXPECT_GT(pixels_of(255, 255, 255), rgb.size() / 3 / 2);  // a white page, mostly
  EXPECT_GT(pixels_of(31, 119, 180), 100u);                  // the run's lines in its colour (tab10 blue)
  EXPECT_GT(pixels_of(0, 0, 0), 100u);                       // axes and text in black
}

TEST(Curves, EveryRunDrawsItsCurves) {
  const std::string out = scratch("curves_run");
  const auto r = cli("train configs/iris.yaml train.epochs=5 output=" + out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("warning"), std::string::npos) << r.output;
  const auto [width, height] = png_size(minidl::test::read_file(fs::path(out) / "curves.png"));
  EXPECT_EQ(width, 1500u);
  EXPECT_EQ(height, 480u);
}

TEST(Curves, PlotOverlaysRunsInOnePicture) {
  const std::string a = scratch("curves_a"), b = scratch("curves_b");
  ASSERT_EQ(cli("train configs/linreg.yaml -q output=" + a).status, 0);
  ASSERT_EQ(cli("train configs/linreg.yaml -q optimizer.lr=0.01 output=" + b).status, 0);
  const std::string picture = scratch("curves_overlay.png");
  const auto r = cli("plot " + a + " " + b + " -o " + picture);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(png_size(minidl::test::read_file(picture)), std::make_pair(1500u, 480u));
}

TEST(Curves, ReadRunCurvesReadsEveryRowAndNamesTheRunByItsFolder) {
  const std::string out = scratch("curves_rows");
  ASSERT_EQ(cli("train configs/linreg.yaml -q output=" + out).status, 0);
  const minidl::experiment::RunCurves curves = minidl::experiment::read_run_curves(out);
  EXPECT_EQ(curves.label, fs::path(out).filename().string());
  ASSERT_EQ(curves.rows.size(), 3u);
  EXPECT_EQ(curves.rows.back().epoch, 3);
}

TEST(Curves, PlotRefusesWhatIsNotARunInOneLine) {
  const std::string empty = scratch("curves_empty");
  fs::create_directories(empty);
  for (const std::string& args : {std::string("plot /nonexistent/run"), "plot " + empty}) {
    const auto r = cli(args);
    EXPECT_EQ(r.status, 1) << args;
    EXPECT_EQ(r.output.rfind("minidl: error: ", 0), 0u) << args << ": " << r.output;
    EXPECT_NE(r.output.find("metrics.csv"), std::string::npos) << args << ": " << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << args << ": " << r.output;
  }
  EXPECT_EQ(cli("plot").status, 2);  // no run folder: a usage error
}

TEST(Curves, PlotRefusesAFileNameThatIsNotAPng) {
  const std::string out = scratch("curves_not_png");
  ASSERT_EQ(cli("train configs/linreg.yaml -q output=" + out).status, 0);
  const std::string text = (fs::path(out) / "curves.txt").string();
  const auto r = cli("plot " + out + " -o " + text);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find(".png"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(text)) << "nothing written";
  EXPECT_EQ(cli("plot " + out + " -o " + (fs::path(out) / "UPPER.PNG").string()).status, 0);
}

TEST(CurvesPainter, DrawsOnItsOwnThreadThePictureThatPlotCurvesDraws) {
  // The painter warms PLplot up while a run trains; its picture must be the same, pixel for pixel.
  const std::string out = scratch("curves_painter");
  ASSERT_EQ(cli("train configs/linreg.yaml -q output=" + out).status, 0);
  const fs::path by_plot = fs::path(out) / "by_plot.png", by_painter = fs::path(out) / "by_painter.png";
  minidl::experiment::plot_curves({minidl::experiment::read_run_curves(out)}, by_plot);
  {
    minidl::experiment::CurvesPainter painter;
    painter.start(out, by_painter);
    painter.finish();
  }
  const std::vector<unsigned char> expected = png_pixels(by_plot);
  ASSERT_EQ(expected.size(), 1500u * 480u * 3u);
  EXPECT_TRUE(png_pixels(by_painter) == expected);
}

TEST(CurvesPainter, ReportsAFailureWhenFinished) {
  minidl::experiment::CurvesPainter painter;
  painter.start("/nonexistent/run", scratch("curves_painter_none.png"));
  try {
    painter.finish();
    FAIL() << "a folder without metrics.csv was drawn";
  } catch (const minidl::IOError& e) {
    EXPECT_NE(std::string(e.what()).find("metrics.csv"), std::string::npos) << e.what();
  }
}

TEST(CurvesPainter, ThatDrawsNothingEndsCleanly) {
  minidl::experiment::CurvesPainter painter;  // the run failed before its curves: only the warm-up ran
}
