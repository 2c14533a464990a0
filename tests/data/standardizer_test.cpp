// Standardizer: statistics come from the training data and are reused elsewhere.
#include <gtest/gtest.h>

#include <cmath>

#include "minidl/data.hpp"

namespace minidl::data {
namespace {

TEST(Standardizer, FitsMeanAndPopulationStdPerFeature) {
  const TensorDataset dataset(Tensor::from({{1, 10, 5}, {3, 10, 5}, {5, 10, 8}, {7, 10, 5}}), Tensor::zeros({4}));
  const Standardizer standardizer = Standardizer::fit(dataset);
  EXPECT_EQ(standardizer.mean().to_vector(), (std::vector<float>{4, 10, 5.75f}));
  EXPECT_FLOAT_EQ(standardizer.std().at({0}), std::sqrt(5.0f));
  EXPECT_EQ(standardizer.std().at({1}), 1.0f) << "a constant feature keeps std 1 and maps to 0";
  EXPECT_FLOAT_EQ(standardizer.std().at({2}), std::sqrt(1.6875f));
}

TEST(Standardizer, TrainingStatisticsAreReusedForValidation) {
  const auto digits = share(CsvDataset("examples/datasets/digits.csv"));
  const auto [train, validation] = split(digits, 0.2, 0);
  const Standardizer standardizer = Standardizer::fit(*train);
  const auto train_std = standardizer.apply(train);
  const auto validation_std = standardizer.apply(validation);

  // Standardised training features have mean ~0 and std ~1 (or are constant 0).
  const Tensor x = train_std->all().features;
  for (int64_t j : {10, 20, 36}) {
    double sum = 0, squares = 0;
    for (int64_t i = 0; i < x.size(0); ++i) sum += x.at({i, j});
    for (int64_t i = 0; i < x.size(0); ++i) squares += std::pow(x.at({i, j}) - sum / x.size(0), 2);
    EXPECT_NEAR(sum / x.size(0), 0.0, 1e-5);
    EXPECT_NEAR(std::sqrt(squares / x.size(0)), 1.0, 1e-4);
  }
  // Validation rows use the training mean and std, not their own.
  const Tensor raw = validation->all().features;
  const Tensor standardized = validation_std->all().features;
  for (int64_t j : {10, 20, 36})
    EXPECT_FLOAT_EQ(standardized.at({0, j}),
                    (raw.at({0, j}) - standardizer.mean().at({j})) / standardizer.std().at({j}));
  EXPECT_EQ(validation_std->size(), 360);
  EXPECT_EQ(validation_std->num_classes(), 10);
}

TEST(Standardizer, RejectsAMismatchedDatasetAndNonPositiveStd) {
  const Standardizer standardizer(Tensor::zeros({3}), Tensor::ones({3}));
  EXPECT_THROW(standardizer.apply(share(TensorDataset(Tensor::zeros({4, 2}), Tensor::zeros({4})))), ShapeError);
  EXPECT_THROW(Standardizer(Tensor::zeros({2}), Tensor::zeros({2})), ValueError);
}

}  // namespace
}  // namespace minidl::data
