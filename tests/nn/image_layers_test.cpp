// The image layers: PyTorch's parameters, buffers, state_dict names and dtypes, initialisation
// bounds, train/eval behaviour of BatchNorm, and what a config's build infers.
#include <gtest/gtest.h>

#include <cmath>

#include "minidl/autograd/grad_mode.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/core/reduction.hpp"
#include "minidl/nn/batch_norm.hpp"
#include "minidl/nn/conv2d.hpp"
#include "minidl/nn/layer_norm.hpp"
#include "minidl/nn/pooling.hpp"
#include "minidl_test/errors.hpp"

namespace minidl::nn {
namespace {

Tensor batch_of(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  Tensor t = Tensor::empty(shape);
  float* p = t.data<float>();
  for (int64_t i = 0; i < t.numel(); ++i) p[i] = gen.normal();
  return t;
}

TEST(Conv2d, HasPyTorchsShapesNamesAndInitBounds) {
  Generator gen(0);
  Conv2d conv({.in_channels = 3, .out_channels = 6, .kernel_size = {5, 5}, .padding = {2, 2}}, gen);
  EXPECT_EQ(conv.weight().shape(), (Shape{6, 3, 5, 5}));
  EXPECT_EQ(conv.bias().shape(), (Shape{6}));
  EXPECT_EQ(conv.describe(), "Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))");
  // kaiming_uniform(a = sqrt 5) and the bias both give U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  const double bound = 1.0 / std::sqrt(3.0 * 25.0);
  EXPECT_LE(max(abs(conv.weight().data())).item(), bound);
  EXPECT_LE(max(abs(conv.bias().data())).item(), bound);
  const auto names = conv.state_dict().names();
  EXPECT_EQ(names, (std::vector<std::string>{"weight", "bias"}));
}

TEST(Conv2d, KeepsTheImageShapeWithSamePadding) {
  Generator gen(1);
  Conv2d conv({.in_channels = 1, .out_channels = 6, .kernel_size = {5, 5}, .padding = {2, 2}}, gen);
  EXPECT_EQ(conv(Variable(batch_of({2, 1, 28, 28}, 2))).shape(), (Shape{2, 6, 28, 28}));
}

TEST(Conv2d, OneNumberForASizeMeansBothDimsAsInPyTorch) {
  // PyTorch's Conv2d(1, 4, kernel_size=3, padding=1): `.padding = 1` pads height and width.
  Generator gen(1);
  Conv2d conv({.in_channels = 1, .out_channels = 4, .kernel_size = {3, 3}, .padding = 1}, gen);
  EXPECT_EQ(conv.options().padding, Size2(1, 1));
  EXPECT_EQ(conv(Variable(batch_of({2, 1, 8, 8}, 2))).shape(), (Shape{2, 4, 8, 8}));
  Conv2d strided({.in_channels = 1, .out_channels = 4, .kernel_size = 3, .stride = 2, .padding = 1}, gen);
  EXPECT_EQ(strided(Variable(batch_of({2, 1, 8, 8}, 2))).shape(), (Shape{2, 4, 4, 4}));
  EXPECT_EQ(strided.describe(), "Conv2d(1, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))");
  // d2l's ResNet stem: MaxPool2d(kernel_size=3, stride=2, padding=1).
  MaxPool2d pool({.kernel_size = 3, .stride = 2, .padding = 1});
  EXPECT_EQ(pool(Variable(batch_of({2, 1, 8, 8}, 3))).shape(), (Shape{2, 1, 4, 4}));
  EXPECT_EQ(Size2(5, 3).height(), 5);
  EXPECT_EQ(Size2(5, 3).width(), 3);
}

TEST(Conv2d, BuildInfersInChannelsAndRefusesAKernelThatDoesNotFit) {
  Generator gen(0);
  Conv2dOptions options{.out_channels = 16, .kernel_size = {5, 5}};
  Conv2d::build(options, {Shape{6, 14, 14}, "layer 2's output", gen});
  EXPECT_EQ(options.in_channels, 6);
  Conv2dOptions too_big{.out_channels = 16, .kernel_size = {5, 5}};
  const auto e = test::thrown_by<OptionError>([&] { Conv2d::build(too_big, {Shape{6, 4, 4}, "layer 2's output", gen}); });
  ASSERT_TRUE(e);
  EXPECT_EQ(e->option(), "kernel_size");
  Conv2dOptions flat{.out_channels = 16, .kernel_size = {5, 5}};
  EXPECT_THROW(Conv2d::build(flat, {Shape{784}, "the data's samples", gen}), OptionError);
}

TEST(Pooling, HalvesTheImageAndDefaultsTheStrideToTheKernel) {
  MaxPool2d max_pool({.kernel_size = {2, 2}});
  AvgPool2d avg_pool({.kernel_size = {2, 2}});
  const Variable x(batch_of({2, 3, 8, 8}, 3));
  EXPECT_EQ(max_pool(x).shape(), (Shape{2, 3, 4, 4}));
  EXPECT_EQ(avg_pool(x).shape(), (Shape{2, 3, 4, 4}));
  EXPECT_EQ(max_pool.describe(), "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)");
  AdaptiveAvgPool2d adaptive({.output_size = {1, 1}});
  EXPECT_EQ(adaptive(x).shape(), (Shape{2, 3, 1, 1}));
}

TEST(BatchNorm2d, StateDictHasPyTorchsNamesAndDtypes) {
  BatchNorm2d bn(4);
  const StateDict state = bn.state_dict();
  EXPECT_EQ(state.names(),
            (std::vector<std::string>{"weight", "bias", "running_mean", "running_var", "num_batches_tracked"}));
  EXPECT_EQ(state.at("num_batches_tracked").dtype(), DType::Int64);
  EXPECT_EQ(state.at("num_batches_tracked").dim(), 0);
  EXPECT_EQ(bn.parameters().size(), 2u) << "buffers are not parameters";
  EXPECT_EQ(bn.describe(), "BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)");
}

TEST(BatchNorm2d, TrainingUpdatesRunningStatisticsWithTheUnbiasedVariance) {
  BatchNorm2d bn(1);
  // One channel, 4 values: mean 2.5, biased variance 1.25, unbiased 5/3.
  const Variable x(Tensor::from({1.0f, 2.0f, 3.0f, 4.0f}).reshape({1, 1, 2, 2}));
  const Variable y = bn(x);
  EXPECT_NEAR(bn.running_mean().item(), 0.1 * 2.5, 1e-7);
  EXPECT_NEAR(bn.running_var().item(), 0.9 + 0.1 * 5.0 / 3.0, 1e-6);
  EXPECT_EQ(bn.num_batches_tracked(), 1);
  // The output is normalised with the batch's own (biased) statistics.
  EXPECT_NEAR(y.data().flatten().to_vector()[0], (1.0 - 2.5) / std::sqrt(1.25 + 1e-5), 1e-5);
  // Evaluation uses the running statistics and changes nothing.
  bn.eval();
  const Variable z = bn(x);
  EXPECT_NEAR(z.data().flatten().to_vector()[0], (1.0 - 0.25) / std::sqrt(bn.running_var().item() + 1e-5), 1e-5);
  EXPECT_EQ(bn.num_batches_tracked(), 1);
}

TEST(BatchNorm2d, LoadsRunningStatisticsByName) {
  BatchNorm2d bn(2);
  StateDict state = bn.state_dict();
  bn.load_state_dict({{"weight", Tensor::from({2.0f, 3.0f})},
                      {"bias", Tensor::from({0.5f, -0.5f})},
                      {"running_mean", Tensor::from({1.0f, -1.0f})},
                      {"running_var", Tensor::from({4.0f, 9.0f})},
                      {"num_batches_tracked", Tensor::from_int64({7}).reshape({})}});
  EXPECT_EQ(bn.running_mean().to_vector(), (std::vector<float>{1.0f, -1.0f}));
  EXPECT_EQ(bn.num_batches_tracked(), 7);
}

TEST(BatchNorm1d, TakesFeatureVectorsAndRefusesImages) {
  BatchNorm1d bn(3);
  EXPECT_EQ(bn(Variable(batch_of({5, 3}, 4))).shape(), (Shape{5, 3}));
  EXPECT_THROW(bn(Variable(batch_of({5, 3, 2, 2}, 4))), ShapeError);
}

TEST(BatchNorm, NeedsTwoSamplesPerTrainingBatchOnlyForOneValuePerChannel) {
  // The batch variance of one value per channel is undefined: training refuses [1, C] (as
  // PyTorch does); a config checks its batches against this declaration first.
  BatchNorm1d features(3);
  EXPECT_EQ(features.min_training_batch(Shape{3}), 2);
  EXPECT_EQ(features.min_training_batch(Shape{3, 5}), 1) << "[1, 3, 5] holds 5 values per channel";
  EXPECT_THROW(features(Variable(batch_of({1, 3}, 4))), ValueError);
  EXPECT_NO_THROW(features(Variable(batch_of({1, 3, 5}, 4))));
  BatchNorm2d images(3);
  EXPECT_EQ(images.min_training_batch(Shape{3, 4, 4}), 1);
  EXPECT_EQ(images.min_training_batch(Shape{3, 1, 1}), 2);
  EXPECT_EQ(LayerNorm(std::vector<int64_t>{4}).min_training_batch(Shape{4}), 1) << "per-sample statistics";
}

TEST(LayerNorm, NormalisesEachSampleOverItsTrailingDims) {
  LayerNorm ln(std::vector<int64_t>{4});
  const Variable y = ln(Variable(Tensor::from({1.0f, 2.0f, 3.0f, 4.0f, 2.0f, 2.0f, 2.0f, 6.0f}).reshape({2, 4})));
  const std::vector<float> v = y.data().flatten().to_vector();
  EXPECT_NEAR(v[0] + v[1] + v[2] + v[3], 0.0, 1e-5);
  EXPECT_EQ(ln.state_dict().names(), (std::vector<std::string>{"weight", "bias"}));
  LayerNormOptions inferred;
  Generator gen(0);
  LayerNorm::build(inferred, {Shape{3, 4, 4}, "the data's samples", gen});
  EXPECT_EQ(inferred.normalized_shape, (std::vector<int64_t>{3, 4, 4}));
}

}  // namespace
}  // namespace minidl::nn
