// Samples of shape [C, H, W] go through every part of the data layer as flat rows do: the
// loader's batches are [B, C, H, W], splits and subsets keep the shape, the standardizer works
// per pixel and scaling reaches every pixel.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "data_test_helpers.hpp"
#include "minidl/data.hpp"

namespace minidl::data {
namespace {

using testing::indexed_images;
using testing::sample_ids;

constexpr int64_t kPixels = 16;  // [1, 4, 4]

/// Checks that every sample of `batch` holds the pixels of the indexed_images sample it names.
void expect_whole_samples(const Batch& batch) {
  const float* x = batch.features.data<float>();
  for (int64_t r = 0; r < batch.features.size(0); ++r) {
    const float id = x[r * kPixels];
    for (int64_t k = 0; k < kPixels; ++k) ASSERT_EQ(x[r * kPixels + k], id + k / 64.0f) << "sample " << r;
  }
}

class ImageLoader : public ::testing::TestWithParam<int> {};
INSTANTIATE_TEST_SUITE_P(Prefetch, ImageLoader, ::testing::Values(0, 2));

TEST_P(ImageLoader, BatchesAreBByCByHByWOfWholeSamples) {
  DataLoader loader(indexed_images(10), {.batch_size = 4, .shuffle = true, .seed = 3, .prefetch = GetParam()});
  std::vector<Shape> shapes;
  std::multiset<int64_t> seen;
  for (auto& batch : loader) {
    shapes.push_back(batch.features.shape());
    EXPECT_EQ(batch.targets.shape(), Shape{batch.features.size(0)});
    expect_whole_samples(batch);
    for (int64_t id : sample_ids(batch)) seen.insert(id);
  }
  EXPECT_EQ(shapes, (std::vector<Shape>{{4, 1, 4, 4}, {4, 1, 4, 4}, {2, 1, 4, 4}}));
  std::vector<int64_t> all(10);
  std::iota(all.begin(), all.end(), 0);
  EXPECT_EQ(std::vector<int64_t>(seen.begin(), seen.end()), all);
}

TEST(ImageSamples, SplitPartsKeepTheSampleShape) {
  const auto [train, validation] = split(indexed_images(10), 0.3, 0);
  EXPECT_EQ(train->feature_shape(), (Shape{1, 4, 4}));
  EXPECT_EQ(validation->feature_shape(), (Shape{1, 4, 4}));
  const Batch batch = validation->all();
  EXPECT_EQ(batch.features.shape(), (Shape{3, 1, 4, 4}));
  expect_whole_samples(batch);
}

TEST(ImageSamples, StandardizerWorksPerPixel) {
  const TensorDataset images = indexed_images(5, 2, 3, 3);
  const Standardizer standardizer = Standardizer::fit(images);
  EXPECT_EQ(standardizer.mean().shape(), (Shape{2, 3, 3}));
  // Pixel k over samples 0..4 is i + k/64: mean 2 + k/64, population std sqrt(2).
  for (int64_t k = 0; k < 18; ++k) {
    EXPECT_FLOAT_EQ(standardizer.mean().data<float>()[k], 2.0f + k / 64.0f);
    EXPECT_FLOAT_EQ(standardizer.std().data<float>()[k], std::sqrt(2.0f));
  }
  const Batch batch = standardizer.apply(share(images))->get(std::vector<int64_t>{4});
  EXPECT_EQ(batch.features.shape(), (Shape{1, 2, 3, 3}));
  for (int64_t k = 0; k < 18; ++k) EXPECT_FLOAT_EQ(batch.features.data<float>()[k], 2.0f / std::sqrt(2.0f));
}

TEST(ImageSamples, StandardizerRejectsFlattenedImages) {
  const Standardizer standardizer = Standardizer::fit(indexed_images(3));
  Tensor flat = Tensor::zeros({2, kPixels});
  EXPECT_THROW(standardizer.transform_(flat), ShapeError);
}

TEST(ImageSamples, ScalingReachesEveryPixel) {
  const ScaledDataset scaled(share(indexed_images(4)), 0.5f);
  EXPECT_EQ(scaled.feature_shape(), (Shape{1, 4, 4}));
  const Batch batch = scaled.get(std::vector<int64_t>{3});
  for (int64_t k = 0; k < kPixels; ++k) EXPECT_EQ(batch.features.data<float>()[k], (3 + k / 64.0f) * 0.5f);
}

}  // namespace
}  // namespace minidl::data
