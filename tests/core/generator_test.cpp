// Generator: seeded, reproducible random numbers and the random tensors built on them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "minidl/core.hpp"
#include "test_helpers.hpp"

using namespace minidl;

TEST(Generator, TheSameSeedGivesTheSameSequence) {
  Generator a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const uint32_t x = a.next_u32();
    EXPECT_EQ(x, b.next_u32());
    if (i == 0) {
      EXPECT_NE(x, c.next_u32());
    }
  }
  EXPECT_NE(Generator(1, 0).next_u64(), Generator(1, 1).next_u64());  // streams differ
}

TEST(Generator, MatchesThePcg32ReferenceOutput) {
  // pcg32_srandom_r(&rng, 42, 54) then pcg32_random_r, from the PCG reference demo.
  Generator gen(42, 54);
  const uint32_t expected[] = {0xa15c02b7, 0x7b47f409, 0xba1d3330, 0x83d2f293, 0xbfa4784b, 0xcbed606e};
  for (uint32_t e : expected) EXPECT_EQ(gen.next_u32(), e);
}

TEST(Generator, UniformAndBelowStayInRange) {
  Generator gen(7);
  double total = 0;
  for (int i = 0; i < 10000; ++i) {
    const float u = gen.uniform();
    ASSERT_GE(u, 0.0f);
    ASSERT_LT(u, 1.0f);
    total += u;
    ASSERT_LT(gen.below(10), 10u);
  }
  EXPECT_NEAR(total / 10000, 0.5, 0.01);
  EXPECT_THROW(gen.below(0), ValueError);
}

TEST(Generator, NormalHasZeroMeanAndUnitVariance) {
  Generator gen(11);
  const Tensor x = Tensor::normal({100000}, 0, 1, gen);
  const float m = mean(x).item();
  EXPECT_NEAR(m, 0.0f, 0.02f);
  EXPECT_NEAR(mean(pow(x - m, 2.0f)).item(), 1.0f, 0.02f);
  const Tensor y = Tensor::normal({100000}, 3, 0.5f, gen);
  EXPECT_NEAR(mean(y).item(), 3.0f, 0.01f);
  EXPECT_THROW(Tensor::normal({2}, 0, -1, gen), ValueError);
}

TEST(Generator, UniformTensorsCoverTheirRange) {
  Generator gen(12);
  const Tensor u = Tensor::uniform({10000}, -2, 3, gen);
  EXPECT_GE(min(u).item(), -2.0f);
  EXPECT_LT(max(u).item(), 3.0f);
  EXPECT_NEAR(mean(u).item(), 0.5f, 0.05f);
  EXPECT_THROW(Tensor::uniform({2}, 1, 0, gen), ValueError);
}

TEST(Generator, RandnAndRandAreTheStandardNormalAndUniformUnderPyTorchsNames) {
  Generator a(3), b(3);
  EXPECT_EQ(Tensor::randn({2, 3}, a).to_vector(), Tensor::normal({2, 3}, 0, 1, b).to_vector());
  EXPECT_EQ(Tensor::rand({4}, a).to_vector(), Tensor::uniform({4}, 0, 1, b).to_vector());
  const Tensor labels = Tensor::from_int64({1, 2});
  EXPECT_EQ(Tensor::zeros_like(labels).to_int64_vector(), (std::vector<int64_t>{0, 0}));
  EXPECT_EQ(Tensor::ones_like(Tensor::randn({2, 2}, a)).to_vector(), std::vector<float>(4, 1.0f));
}

TEST(Generator, StateRestoresTheExactSequence) {
  Generator gen(5);
  gen.normal();  // leaves a spare normal in the state
  const Generator::State saved = gen.state();
  const Tensor first = Tensor::normal({10}, 0, 1, gen);
  gen.set_state(saved);
  EXPECT_TRUE(equal(Tensor::normal({10}, 0, 1, gen), first));
}

TEST(Generator, RandpermIsAPermutation) {
  Generator gen(3), again(3);
  const Tensor p = Tensor::randperm(50, gen);
  EXPECT_EQ(p.dtype(), DType::Int64);
  std::vector<int64_t> v = p.to_int64_vector();
  EXPECT_EQ(v, Tensor::randperm(50, again).to_int64_vector());
  std::vector<int64_t> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> iota(50);
  std::iota(iota.begin(), iota.end(), 0);
  EXPECT_EQ(sorted, iota);
  EXPECT_NE(v, iota);
  EXPECT_EQ(Tensor::randperm(0, gen).numel(), 0);
}

TEST(Generator, FillNormalIsTheSequenceOfNormalCallsForAnyThreadCount) {
  const int before = get_num_threads();
  // Odd and even lengths, one over a block of pairs, and a generator holding a spare.
  for (const size_t n : {size_t{1}, size_t{2}, size_t{7}, size_t{70001}}) {
    for (const bool spare_first : {false, true}) {
      for (const int threads : {1, 2}) {
        set_num_threads(threads);
        Generator serial(11, 3), bulk(11, 3);
        if (spare_first) {
          (void)serial.normal();
          (void)bulk.normal();
        }
        std::vector<float> expected(n), got(n);
        for (float& v : expected) v = 0.5f + 2.0f * serial.normal();
        bulk.fill_normal(got, 0.5f, 2.0f);
        EXPECT_EQ(got, expected) << n << " values, spare first " << spare_first << ", " << threads << " threads";
        EXPECT_EQ(bulk.normal(), serial.normal()) << "the generators part after " << n << " values";
        EXPECT_EQ(bulk.next_u32(), serial.next_u32());
      }
    }
  }
  set_num_threads(before);
}
