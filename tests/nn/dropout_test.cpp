// Dropout: seeded masks scaled by 1/(1-p) in training, the identity in eval mode.
#include "minidl/nn/dropout.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "minidl/autograd/ops.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/core/reduction.hpp"
#include "minidl/nn/random.hpp"

namespace minidl::nn {
namespace {

TEST(Dropout, ZeroesAboutPOfTheElementsAndScalesTheRest) {
  const float p = 0.3f;
  const int64_t n = 100000;
  Dropout drop(p, Generator(1));
  Tensor y = drop(Tensor::ones({n})).data();
  int64_t zeros = 0;
  for (float v : y.to_vector()) {
    if (v == 0.0f) ++zeros;
    else ASSERT_FLOAT_EQ(v, 1.0f / (1.0f - p));
  }
  // Binomial(n, p): standard deviation sqrt(n p (1-p)) ~ 145 elements.
  EXPECT_NEAR(static_cast<double>(zeros), p * n, 5 * std::sqrt(n * p * (1 - p)));
  EXPECT_NEAR(mean(y).item(), 1.0f, 0.02f);
}

TEST(Dropout, GradientFlowsThroughTheSameMask) {
  Dropout drop(0.5f, Generator(2));
  Variable x(Tensor::ones({1000}), true);
  Variable y = drop(x);
  sum(y).backward();
  EXPECT_TRUE(equal(x.grad(), y.data()));  // d(x * mask)/dx = mask, and here y = mask
}

TEST(Dropout, IsTheIdentityInEvalMode) {
  Dropout drop(0.5f, Generator(3));
  drop.eval();
  Variable x(Tensor::ones({100}), true);
  EXPECT_TRUE(drop(x).same(x));
}

TEST(Dropout, TheSameSeedGivesTheSameMasks) {
  Dropout a(0.5f, Generator(4)), b(0.5f, Generator(4)), c(0.5f, Generator(5));
  Tensor x = Tensor::ones({256});
  Tensor ya = a(x).data();
  EXPECT_TRUE(equal(ya, b(x).data()));
  EXPECT_FALSE(equal(ya, c(x).data()));
  EXPECT_FALSE(equal(ya, a(x).data()));  // the next call draws a new mask
}

TEST(Dropout, DefaultGeneratorFollowsManualSeed) {
  manual_seed(7);
  Dropout a(0.5f);
  manual_seed(7);
  Dropout b(0.5f);
  EXPECT_TRUE(equal(a(Tensor::ones({64})).data(), b(Tensor::ones({64})).data()));
}

TEST(Dropout, ProbabilityZeroKeepsAndOneDropsEverything) {
  Dropout keep(0.0f), drop_all(1.0f);
  Tensor x = Tensor::ones({10});
  EXPECT_TRUE(equal(keep(x).data(), x));
  EXPECT_TRUE(equal(drop_all(x).data(), Tensor::zeros({10})));
}

TEST(Dropout, RejectsAProbabilityOutsideZeroOne) {
  EXPECT_THROW(Dropout(-0.1f), ValueError);
  EXPECT_THROW(Dropout(1.5f), ValueError);
  EXPECT_THROW(Dropout(std::nanf("")), ValueError);
  EXPECT_EQ(Dropout(0.25f).describe(), "Dropout(p=0.25)");
}

}  // namespace
}  // namespace minidl::nn
