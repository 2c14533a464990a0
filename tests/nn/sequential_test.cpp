// Sequential: built from module values or at run time, children named "0", "1", ...
#include "minidl/nn/sequential.hpp"

#include <gtest/gtest.h>

#include "minidl/autograd/node.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/nn/activation.hpp"
#include "minidl/nn/conv2d.hpp"
#include "minidl/nn/linear.hpp"
#include "minidl/nn/pooling.hpp"

namespace minidl::nn {
namespace {

TEST(Sequential, BuildsFromModuleValuesLikeTheDesignSketch) {
  Sequential net{Linear(64, 128), ReLU(), Linear(128, 10)};
  EXPECT_EQ(net.size(), 3u);
  EXPECT_EQ(net.state_dict().names(),
            (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  EXPECT_EQ(net(Tensor::zeros({5, 64})).shape(), (Shape{5, 10}));
}

TEST(Sequential, ForwardRunsTheChildrenInOrder) {
  Generator gen(1);
  Sequential net{Linear(3, 4, true, gen), Tanh(), Linear(4, 2, true, gen)};
  Tensor x = Tensor::normal({2, 3}, 0, 1, gen);
  Variable by_hand = net[2](net[1](net[0](x)));
  EXPECT_TRUE(equal(net(x).data(), by_hand.data()));
}

// net(x), which fuses what it can, gives what its modules give one at a time: the same output
// bits and the same gradients (but for a fused convolution's bias gradient, summed in another order).
void expect_fused_as_by_hand(Sequential& net, const Tensor& x) {
  Variable fused = net(x);
  sum(fused).backward();
  std::vector<Tensor> fused_grads;
  for (const Variable& p : net.parameters()) fused_grads.push_back(p.grad().clone());
  net.zero_grad();
  Variable by_hand = x;
  for (size_t i = 0; i < net.size(); ++i) by_hand = net[i](by_hand);
  EXPECT_TRUE(equal(fused.data(), by_hand.data()));
  sum(by_hand).backward();
  const std::vector<Variable> params = net.parameters();
  for (size_t i = 0; i < params.size(); ++i)
    EXPECT_TRUE(allclose(fused_grads[i], params[i].grad(), 1e-5f, 1e-6f)) << i;
}

TEST(Sequential, RunsAConvolutionAndTheActivationAfterItAsOneOpWithTheSameResults) {
  Generator gen(2);
  Sequential net{Conv2d(Conv2dOptions{.in_channels = 1, .out_channels = 3, .kernel_size = {3, 3}, .padding = {1, 1}}, gen),
                 Sigmoid(), Conv2d(Conv2dOptions{.in_channels = 3, .out_channels = 2, .kernel_size = {3, 3}}, gen),
                 ReLU()};
  const Tensor x = Tensor::normal({2, 1, 6, 20}, 0, 1, gen);
  EXPECT_EQ(net(x).grad_fn()->name(), std::string("Conv2d"));  // the ReLU ran inside the convolution
  expect_fused_as_by_hand(net, x);
}

TEST(Sequential, RunsAConvolutionItsActivationAndTheAveragePoolAfterThemAsOneOpWithTheSameResults) {
  Generator gen(4);
  // d2l's LeNet blocks. The first pools its 30 x 30 output inside the convolution; the second's
  // 11 x 11 output (rows narrower than 16) is pooled after it, its last row and column left out.
  Sequential net{Conv2d(Conv2dOptions{.in_channels = 1, .out_channels = 6, .kernel_size = {5, 5}, .padding = {2, 2}}, gen),
                 Sigmoid(), AvgPool2d(AvgPool2dOptions{.kernel_size = {2, 2}}),
                 Conv2d(Conv2dOptions{.in_channels = 6, .out_channels = 16, .kernel_size = {5, 5}}, gen),
                 Sigmoid(), AvgPool2d(AvgPool2dOptions{.kernel_size = {2, 2}})};
  const Tensor x = Tensor::normal({3, 1, 30, 30}, 0, 1, gen);
  Sequential first_block;
  for (size_t i = 0; i < 3; ++i) first_block.push_back(net.named_children()[i].second);
  EXPECT_EQ(first_block(x).grad_fn()->name(), std::string("Conv2d"));  // the sigmoid and the pool ran inside it
  EXPECT_EQ(net(x).shape(), (Shape{3, 16, 5, 5}));
  expect_fused_as_by_hand(net, x);
}

TEST(Sequential, PoolsInsideTheLayerOnlyForSquareWindowsThatStepByTheirSize) {
  EXPECT_EQ(AvgPool2d(AvgPool2dOptions{.kernel_size = {2, 2}}).fusable_average_pool(), 2);
  EXPECT_EQ(AvgPool2d(AvgPool2dOptions{.kernel_size = {3, 3}, .stride = Size2{3, 3}}).fusable_average_pool(), 3);
  EXPECT_EQ(AvgPool2d(AvgPool2dOptions{.kernel_size = {3, 3}, .stride = Size2{2, 2}}).fusable_average_pool(), 1);
  EXPECT_EQ(AvgPool2d(AvgPool2dOptions{.kernel_size = {2, 3}}).fusable_average_pool(), 1);
  EXPECT_EQ(AvgPool2d(AvgPool2dOptions{.kernel_size = {2, 2}, .padding = {1, 1}}).fusable_average_pool(), 1);
  EXPECT_EQ(MaxPool2d(MaxPool2dOptions{.kernel_size = {2, 2}}).fusable_average_pool(), 1);
  struct Halved : AvgPool2d {
    using AvgPool2d::AvgPool2d;
    Variable forward(const Variable& input) override { return mul(AvgPool2d::forward(input), 0.5f); }
  };
  EXPECT_EQ(Halved(AvgPool2dOptions{.kernel_size = {2, 2}}).fusable_average_pool(), 1);
  // A pool that does not fit the layer's output runs apart, and says so as AvgPool2d.
  Generator gen(5);
  Sequential net{Conv2d(Conv2dOptions{.in_channels = 1, .out_channels = 2, .kernel_size = {3, 3}}, gen), Sigmoid(),
                 AvgPool2d(AvgPool2dOptions{.kernel_size = {4, 4}})};
  EXPECT_THROW(net(Tensor::zeros({1, 1, 5, 20})), ShapeError);
}

TEST(Sequential, RunsTheForwardOfAModuleDerivedFromAnActivation) {
  struct Doubled : Sigmoid {
    Variable forward(const Variable& input) override { return mul(Sigmoid::forward(input), 2.0f); }
  };
  Generator gen(3);
  Sequential net{Conv2d(Conv2dOptions{.in_channels = 1, .out_channels = 2, .kernel_size = {3, 3}}, gen), Doubled()};
  const Tensor x = Tensor::normal({1, 1, 5, 20}, 0, 1, gen);
  EXPECT_TRUE(equal(net(x).data(), mul(sigmoid(net[0](x)), 2.0f).data()));
}

TEST(Sequential, GrowsAtRunTimeFromValuesOrSharedPointers) {
  Sequential net;
  EXPECT_TRUE(net.empty());
  auto first = std::make_shared<Linear>(2, 2);
  net.push_back(first).push_back(ReLU());
  net.push_back(std::shared_ptr<Module>(std::make_shared<Sigmoid>()));
  EXPECT_EQ(net.size(), 3u);
  EXPECT_EQ(&net[0], first.get());  // shared, not copied
  EXPECT_EQ(net.named_children()[2].first, "2");
  EXPECT_EQ(net[2].name(), "Sigmoid");
}

TEST(Sequential, AtReturnsTheConcreteTypeOrThrows) {
  Sequential net{Linear(3, 4), ReLU()};
  EXPECT_EQ(net.at<Linear>(0).out_features(), 4);
  EXPECT_THROW(net.at<Linear>(1), ValueError);
  EXPECT_THROW(net[2], IndexError);
}

TEST(Sequential, NestsWithDottedNames) {
  auto inner = std::make_shared<Sequential>(Linear(2, 2), ReLU());
  Sequential outer{Linear(2, 2), inner};
  EXPECT_EQ(outer.state_dict().names(),
            (std::vector<std::string>{"0.weight", "0.bias", "1.0.weight", "1.0.bias"}));
}

TEST(Sequential, EmptyIsTheIdentity) {
  Sequential net;
  Variable x(Tensor::ones({3}), true);
  EXPECT_TRUE(net(x).same(x));
}

TEST(Sequential, ItsOutputsAreWhatItsLastChildSaysItsAre) {
  EXPECT_EQ(Sequential().outputs(), Scores::Unknown);
  EXPECT_EQ((Sequential{Linear(4, 3), ReLU()}.outputs()), Scores::Unknown);
  EXPECT_EQ((Sequential{Linear(4, 3), Softmax(1)}.outputs()), Scores::Probabilities);
  EXPECT_EQ((Sequential{Linear(4, 1), Sigmoid()}.outputs()), Scores::Probabilities);
  EXPECT_EQ((Sequential{Linear(4, 3), LogSoftmax(1)}.outputs()), Scores::LogProbabilities);
}

}  // namespace
}  // namespace minidl::nn
