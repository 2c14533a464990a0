// The shipped image configs build as d2l's models: LeNet and its BatchNorm variant, with every
// size inferred from the data and the previous layer, and their resolved configs read back.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "minidl/experiment/config.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/experiment/trainer.hpp"
#include "minidl_test/errors.hpp"

using namespace minidl;
using namespace minidl::experiment;

namespace {

bool fashion_mnist_present() { return std::filesystem::exists("/usr/share/datasets/fashion-mnist"); }

struct Expected {
  const char* file;
  int64_t parameters;  // as PyTorch counts the same model
};

class ImageConfig : public testing::TestWithParam<Expected> {};

TEST_P(ImageConfig, BuildsTheModelWithEverySizeInferred) {
  if (!fashion_mnist_present()) GTEST_SKIP() << "dataset-fashion-mnist is not installed (make deps installs it)";
  Experiment run(load_config(GetParam().file));
  EXPECT_EQ(run.model().num_parameters(), GetParam().parameters);
  const std::string resolved = to_yaml_text(run.config());
  EXPECT_EQ(to_yaml_text(parse_config(resolved, "config.yaml")), resolved);
}

INSTANTIATE_TEST_SUITE_P(Shipped, ImageConfig,
                         testing::Values(Expected{"configs/fashion_mlp.yaml", 203530},
                                         Expected{"configs/fashion_dropout.yaml", 269322},
                                         Expected{"configs/lenet.yaml", 61706},
                                         Expected{"configs/lenet_bn.yaml", 44878}));

struct Reduced {
  const char* file;
  int epochs;
  double min_accuracy;  // well above chance (0.1); the full runs' figures are in the README
};

class ImageConfigRun : public testing::TestWithParam<Reduced> {};

// The shipped hyper-parameters, fewer epochs: each model learns. (Sigmoid LeNet needs two: its
// first epoch stays at chance, as in d2l's plot.)
TEST_P(ImageConfigRun, LearnsInAReducedRun) {
  if (!fashion_mnist_present()) GTEST_SKIP() << "dataset-fashion-mnist is not installed (make deps installs it)";
  const std::string out = testing::TempDir() + "reduced_" + std::filesystem::path(GetParam().file).stem().string();
  std::filesystem::remove_all(out);
  const std::vector<std::string> overrides = {"output=" + out, "train.epochs=" + std::to_string(GetParam().epochs)};
  Experiment run(load_config(GetParam().file, overrides));
  std::ostringstream log;
  const TrainResult result = train(run, {}, log);
  ASSERT_TRUE(result.last.val_accuracy.has_value());
  EXPECT_GE(*result.last.val_accuracy, GetParam().min_accuracy) << log.str();
  std::filesystem::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Shipped, ImageConfigRun,
                         testing::Values(Reduced{"configs/fashion_softmax.yaml", 1, 0.72},
                                         Reduced{"configs/fashion_mlp.yaml", 1, 0.72},
                                         Reduced{"configs/fashion_dropout.yaml", 1, 0.65},
                                         Reduced{"configs/lenet_bn.yaml", 1, 0.40},
                                         Reduced{"configs/lenet.yaml", 2, 0.30}),
                         [](const testing::TestParamInfo<Reduced>& info) {
                           return std::filesystem::path(info.param.file).stem().string();
                         });

TEST(ImageLayers, AKernelThatDoesNotFitIsAnErrorAtTheLayer) {
  if (!fashion_mnist_present()) GTEST_SKIP() << "dataset-fashion-mnist is not installed (make deps installs it)";
  const auto e = test::thrown_by<ConfigError>(
      [] { Experiment run(load_config("configs/lenet.yaml", {{"model.3.kernel_size=15"}})); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where().origin, "override 'model.3.kernel_size=15'");
  EXPECT_NE(e->problem().find("model.3.kernel_size"), std::string::npos) << e->what();
  EXPECT_NE(e->problem().find("does not fit"), std::string::npos) << e->what();
}

TEST(ImageLayers, ADilationThatSpreadsAFittingKernelPastTheImageIsAnErrorAtTheDilation) {
  if (!fashion_mnist_present()) GTEST_SKIP() << "dataset-fashion-mnist is not installed (make deps installs it)";
  // The file's kernel 5 fits 28 + 2 * 2 rows; dilated by 10 it spans 41.
  const auto e = test::thrown_by<ConfigError>(
      [] { Experiment run(load_config("configs/lenet.yaml", {{"model.0.dilation=10"}})); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where().origin, "override 'model.0.dilation=10'") << e->what();
  EXPECT_NE(e->problem().find("model.0.dilation"), std::string::npos) << e->what();
  EXPECT_NE(e->problem().find("does not fit"), std::string::npos) << e->what();
}

// How many times `part` occurs in `text`.
size_t occurrences(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

TEST(ImageLayers, ALayerGivenSamplesOfTheWrongShapeSaysWhichItTakesAndWhatItGot) {
  if (!fashion_mnist_present()) GTEST_SKIP() << "dataset-fashion-mnist is not installed (make deps installs it)";
  struct Case {
    const char* config;
    const char* layer;
    const char* wanted;  // the sample shapes the layer takes
    const char* got;     // the shape of the samples it was given, named once
  };
  for (const Case& c : {Case{"configs/fashion_mlp.yaml", "model.1={type: conv2d, out_channels: 4, kernel_size: 3}",
                             "[C, H, W]", "[784]"},
                        Case{"configs/fashion_mlp.yaml", "model.1={type: max_pool2d, kernel_size: 2}", "[C, H, W]",
                             "[784]"},
                        Case{"configs/lenet.yaml", "model.3={type: batch_norm1d}", "[C] or [C, L]", "[6, 14, 14]"}}) {
    const auto e = test::thrown_by<ConfigError>([&] { Experiment run(load_config(c.config, {{c.layer}})); });
    ASSERT_TRUE(e) << c.layer;
    EXPECT_NE(e->problem().find(std::string("needs ") + c.wanted + " samples"), std::string::npos) << e->what();
    EXPECT_EQ(occurrences(e->what(), c.got), 1u) << e->what();
  }
}

}  // namespace
