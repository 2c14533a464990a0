// The shipped image configs build as d2l's models: LeNet and its BatchNorm variant, with every
// size inferred from the data and the previous layer, and their resolved configs read back.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "minidl/experiment/config.hpp"
#include "minidl/experiment/experiment.hpp"
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
                                         Expected{"configs/lenet.yaml", 61706},
                                         Expected{"configs/lenet_bn.yaml", 44878}));

TEST(ImageLayers, AKernelThatDoesNotFitIsAnErrorAtTheLayer) {
  if (!fashion_mnist_present()) GTEST_SKIP() << "dataset-fashion-mnist is not installed (make deps installs it)";
  const auto e = test::thrown_by<ConfigError>(
      [] { Experiment run(load_config("configs/lenet.yaml", {{"model.3.kernel_size=15"}})); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->where().origin, "override 'model.3.kernel_size=15'");
  EXPECT_NE(e->problem().find("model.3.kernel_size"), std::string::npos) << e->what();
  EXPECT_NE(e->problem().find("does not fit"), std::string::npos) << e->what();
}

}  // namespace
