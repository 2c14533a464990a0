// Synthetic datasets: the d2l linear generator and a seeded classification problem.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "minidl/data.hpp"

namespace minidl::data {
namespace {

TEST(SyntheticLinear, MatchesD2lShapesAndRelation) {
  Generator gen(42);
  const auto [X, y] = synthetic_linear({2.0f, -3.4f}, 4.2f, 1000, 0.01f, gen);
  EXPECT_EQ(X.shape(), (Shape{1000, 2}));
  EXPECT_EQ(y.shape(), (Shape{1000, 1}));
  double residual_squares = 0;
  for (int64_t i = 0; i < 1000; ++i) {
    const double r = y.at({i, 0}) - (2.0 * X.at({i, 0}) - 3.4 * X.at({i, 1}) + 4.2);
    residual_squares += r * r;
  }
  EXPECT_NEAR(std::sqrt(residual_squares / 1000), 0.01, 0.002) << "the noise has std 0.01";
}

TEST(SyntheticLinear, DatasetIsReproducibleFromItsSeed) {
  const SyntheticLinear a({1.0f, 2.0f, 3.0f}, 0.5f, 64, 0.1f, 7), b({1.0f, 2.0f, 3.0f}, 0.5f, 64, 0.1f, 7);
  const SyntheticLinear c({1.0f, 2.0f, 3.0f}, 0.5f, 64, 0.1f, 8);
  EXPECT_EQ(a.features().to_vector(), b.features().to_vector());
  EXPECT_EQ(a.targets().to_vector(), b.targets().to_vector());
  EXPECT_NE(a.features().to_vector(), c.features().to_vector());
  EXPECT_EQ(a.task(), Task::Regression);
  EXPECT_EQ(a.target_shape(), Shape{1});
}

TEST(SyntheticLinear, RejectsBadArguments) {
  Generator gen(0);
  EXPECT_THROW(synthetic_linear({1.0f}, 0.0f, 0, 0.1f, gen), ValueError);
  EXPECT_THROW(synthetic_linear({}, 0.0f, 10, 0.1f, gen), ValueError);
  EXPECT_THROW(synthetic_linear({1.0f}, 0.0f, 10, -1.0f, gen), ValueError);
}

TEST(SyntheticClassification, LabelsAreInt64ClassesFromTheSeed) {
  const SyntheticClassification data(2000, 8, 4, 3);
  EXPECT_EQ(data.features().shape(), (Shape{2000, 8}));
  EXPECT_EQ(data.targets().dtype(), DType::Int64);
  EXPECT_EQ(data.task(), Task::Classification);
  EXPECT_EQ(data.num_classes(), 4);
  std::vector<int64_t> counts(4, 0);
  for (int64_t label : data.targets().to_int64_vector()) ++counts[static_cast<size_t>(label)];
  for (int64_t count : counts) EXPECT_GT(count, 100) << "every class appears";
}

TEST(SyntheticClassification, TheClassCountIsTheDeclaredOneNotTheLargestLabelDrawn) {
  // 5 samples cannot show 50 classes: the count must not depend on which labels were drawn.
  const SyntheticClassification data(5, 2, 50, 0);
  const std::vector<int64_t> labels = data.targets().to_int64_vector();
  EXPECT_LT(*std::max_element(labels.begin(), labels.end()), 49) << "the draw left classes out";
  EXPECT_EQ(data.num_classes(), 50);
}

TEST(SyntheticClassification, MoreSamplesExtendTheSameProblem) {
  const SyntheticClassification small(100, 5, 3, 9), large(300, 5, 3, 9);
  const auto small_x = small.features().to_vector(), large_x = large.features().to_vector();
  EXPECT_TRUE(std::equal(small_x.begin(), small_x.end(), large_x.begin()));
  const auto small_y = small.targets().to_int64_vector(), large_y = large.targets().to_int64_vector();
  EXPECT_TRUE(std::equal(small_y.begin(), small_y.end(), large_y.begin()));
}

TEST(SyntheticClassification, RejectsBadArguments) {
  Generator gen(0);
  EXPECT_THROW(synthetic_classification(0, 2, 2, gen), ValueError);
  EXPECT_THROW(synthetic_classification(10, 0, 2, gen), ValueError);
  EXPECT_THROW(synthetic_classification(10, 2, 1, gen), ValueError);
}

TEST(Synthetic, SizesTooLargeToAllocateAreValueErrors) {
  constexpr int64_t huge = int64_t{1} << 62;
  EXPECT_THROW(SyntheticClassification(huge, 4, 3, 0), ValueError);
  EXPECT_THROW(SyntheticClassification(16, huge, 3, 0), ValueError);
  EXPECT_THROW(SyntheticLinear({1.0f, 2.0f}, 0.0f, huge, 0.1f, 0), ValueError);
}

}  // namespace
}  // namespace minidl::data
