// nn::init: each initialiser's distribution at sizes where its statistics are sharp.
#include "minidl/nn/init.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "minidl/core/elementwise.hpp"
#include "minidl/core/reduction.hpp"
#include "minidl/nn/linear.hpp"

namespace minidl::nn {
namespace {

struct Stats {
  double mean, std, min, max;
};

Stats stats_of(const Tensor& t) {
  double s = 0, s2 = 0, lo = INFINITY, hi = -INFINITY;
  const std::vector<float> v = t.to_vector();
  for (float x : v) {
    s += x;
    s2 += static_cast<double>(x) * x;
    lo = std::min<double>(lo, x);
    hi = std::max<double>(hi, x);
  }
  const double n = static_cast<double>(v.size());
  return {s / n, std::sqrt(s2 / n - (s / n) * (s / n)), lo, hi};
}

// With n draws the sample mean is off by about std / sqrt(n), and the sample std by about
// std / sqrt(2n) for a normal (less for a uniform); five of those is a bound that a correct
// initialiser essentially never misses.
void expect_distribution(const Tensor& t, double mean, double std) {
  const double n = static_cast<double>(t.numel());
  const Stats s = stats_of(t);
  EXPECT_NEAR(s.mean, mean, 5 * std / std::sqrt(n));
  EXPECT_NEAR(s.std, std, 5 * std / std::sqrt(2 * n));
}

TEST(Init, UniformCoversItsRange) {
  Generator gen(1);
  Tensor t = Tensor::empty({1000, 1000});
  init::uniform_(t, gen, -2.0f, 3.0f);
  const Stats s = stats_of(t);
  EXPECT_GE(s.min, -2.0);
  EXPECT_LT(s.max, 3.0);
  expect_distribution(t, 0.5, 5.0 / std::sqrt(12.0));
}

TEST(Init, NormalHasItsMeanAndStd) {
  Generator gen(2);
  Tensor t = Tensor::empty({1000, 1000});
  init::normal_(t, gen, 1.0f, 2.0f);
  expect_distribution(t, 1.0, 2.0);
}

TEST(Init, XavierScalesBySumOfFans) {
  Generator gen(3);
  Tensor u = Tensor::empty({600, 400}), n = Tensor::empty({600, 400});
  init::xavier_uniform_(u, gen, 2.0);
  init::xavier_normal_(n, gen, 2.0);
  const double std = 2.0 * std::sqrt(2.0 / (400 + 600));
  expect_distribution(u, 0.0, std);
  expect_distribution(n, 0.0, std);
  EXPECT_LE(stats_of(u).max, std::sqrt(3.0) * std);
}

TEST(Init, KaimingScalesByTheChosenFanAndGain) {
  Generator gen(4);
  Tensor fan_in = Tensor::empty({500, 800}), fan_out = Tensor::empty({500, 800}), normal = Tensor::empty({500, 800});
  init::kaiming_uniform_(fan_in, gen, 0.0, init::FanMode::FanIn, init::Nonlinearity::ReLU);
  init::kaiming_uniform_(fan_out, gen, 0.0, init::FanMode::FanOut, init::Nonlinearity::ReLU);
  init::kaiming_normal_(normal, gen, 0.0, init::FanMode::FanIn, init::Nonlinearity::ReLU);
  expect_distribution(fan_in, 0.0, std::sqrt(2.0 / 800));
  expect_distribution(fan_out, 0.0, std::sqrt(2.0 / 500));
  expect_distribution(normal, 0.0, std::sqrt(2.0 / 800));
}

TEST(Init, CalculateGainFollowsPyTorch) {
  using init::Nonlinearity;
  EXPECT_DOUBLE_EQ(init::calculate_gain(Nonlinearity::Linear), 1.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(Nonlinearity::Sigmoid), 1.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(Nonlinearity::Tanh), 5.0 / 3.0);
  EXPECT_DOUBLE_EQ(init::calculate_gain(Nonlinearity::ReLU), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(init::calculate_gain(Nonlinearity::LeakyReLU), std::sqrt(2.0 / (1 + 0.01 * 0.01)));
  EXPECT_DOUBLE_EQ(init::calculate_gain(Nonlinearity::LeakyReLU, std::sqrt(5.0)), std::sqrt(1.0 / 3.0));
}

TEST(Init, FansCountTheReceptiveField) {
  EXPECT_EQ(init::calculate_fan_in_and_fan_out({16, 8, 3, 3}), (std::pair<int64_t, int64_t>{72, 144}));
  EXPECT_EQ(init::calculate_fan_in_and_fan_out({10, 4}), (std::pair<int64_t, int64_t>{4, 10}));
  EXPECT_THROW(init::calculate_fan_in_and_fan_out({10}), ShapeError);
}

TEST(Init, ConstantsFillEveryElement) {
  Tensor t = Tensor::empty({3, 4});
  init::ones_(t);
  EXPECT_TRUE(equal(t, Tensor::ones({3, 4})));
  init::constant_(t, 2.5f);
  EXPECT_TRUE(equal(t, Tensor::full({3, 4}, 2.5f)));
  init::zeros_(t);
  EXPECT_TRUE(equal(t, Tensor::zeros({3, 4})));
}

TEST(Init, WritesIntoTheParameterAModuleUses) {
  Linear lin(3, 2);
  init::constant_(lin.weight(), 1.0f);
  init::zeros_(lin.bias());
  EXPECT_EQ(lin(Tensor::from({{1, 2, 3}})).data().to_vector(), (std::vector<float>{6, 6}));
}

TEST(Init, RejectsBadArguments) {
  Generator gen(5);
  Tensor labels = Tensor::from_int64({1, 2});
  EXPECT_THROW(init::ones_(labels), DTypeError);
  EXPECT_THROW(init::uniform_(Tensor::empty({2}), gen, 1.0f, 0.0f), ValueError);
  EXPECT_THROW(init::normal_(Tensor::empty({2}), gen, 0.0f, -1.0f), ValueError);
  EXPECT_THROW(init::kaiming_uniform_(Tensor::empty({5}), gen), ShapeError);
  EXPECT_EQ(init::parse_fan_mode("fan_out"), init::FanMode::FanOut);
  EXPECT_EQ(init::parse_nonlinearity("leaky_relu"), init::Nonlinearity::LeakyReLU);
  EXPECT_THROW(init::parse_nonlinearity("gelu"), ValueError);
  EXPECT_THROW(init::parse_fan_mode("fan"), ValueError);
}

}  // namespace
}  // namespace minidl::nn
