// dropout: a mask drawn from a Philox stream, the same for any thread count, with the gradient
// through the same mask.
#include <gtest/gtest.h>

#include <cmath>

#include "minidl/autograd.hpp"
#include "minidl/core/philox.hpp"

using namespace minidl;

namespace {

Variable counting(int64_t n) {
  std::vector<float> values(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) values[static_cast<size_t>(i)] = 1.0f + static_cast<float>(i);
  return Variable(Tensor::from(values, {n}), true);
}

}  // namespace

TEST(Dropout, ElementIIsKeptByWordIOfTheStreamItsKeyNames) {
  const int64_t n = 37;  // one group of 32 and a short one
  const float p = 0.3f;
  const Variable x = counting(n);
  const std::vector<float> y = dropout(x, p, 99).data().to_vector();
  const auto drop_below = static_cast<uint32_t>(std::ceil(double{p} * 0x1.0p24));
  for (int64_t i = 0; i < n; ++i) {
    const uint32_t word = philox4x32(99, static_cast<uint64_t>(i / 4))[static_cast<size_t>(i % 4)];
    const float expected = (word >> 8) < drop_below ? 0.0f : (1.0f + static_cast<float>(i)) * (1.0f / (1.0f - p));
    EXPECT_EQ(y[static_cast<size_t>(i)], expected) << "element " << i;
  }
}

TEST(Dropout, TheMaskIsTheSameForAnyThreadCount) {
  const int before = get_num_threads();
  const Variable x = counting(300001);
  set_num_threads(1);
  const std::vector<float> one = dropout(x, 0.5f, 7).data().to_vector();
  set_num_threads(2);
  const std::vector<float> two = dropout(x, 0.5f, 7).data().to_vector();
  set_num_threads(before);
  EXPECT_EQ(one, two);
  EXPECT_NE(one, dropout(x, 0.5f, 8).data().to_vector());  // another key, another mask
}

TEST(Dropout, DropsAboutPAndScalesTheRestSoTheMeanStays) {
  const Variable x(Tensor::ones({200000}));
  const std::vector<float> y = dropout(x, 0.3f, 1).data().to_vector();
  int64_t dropped = 0;
  for (float v : y) {
    if (v == 0.0f) ++dropped;
    else EXPECT_FLOAT_EQ(v, 1.0f / 0.7f);
  }
  EXPECT_NEAR(static_cast<double>(dropped) / 200000.0, 0.3, 0.005);
}

TEST(Dropout, TheGradientGoesThroughTheSameMask) {
  const Variable x = counting(1000);
  const Variable y = dropout(x, 0.5f, 3);
  sum(y).backward();
  const std::vector<float> out = y.data().to_vector(), grad = x.grad().to_vector();
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(grad[i], out[i] == 0.0f ? 0.0f : 2.0f) << "element " << i;
}

TEST(Dropout, ZeroKeepsEverythingOneDropsEverythingAndOthersAreRefused) {
  const Variable x = counting(100);
  EXPECT_EQ(dropout(x, 0.0f, 5).data().to_vector(), x.data().to_vector());
  EXPECT_EQ(dropout(x, 1.0f, 5).data().to_vector(), std::vector<float>(100, 0.0f));
  EXPECT_THROW(dropout(x, 1.5f, 5), ValueError);
  EXPECT_THROW(dropout(x, -0.1f, 5), ValueError);
  EXPECT_THROW(dropout(x, std::nanf(""), 5), ValueError);
}
