// TensorDataset and the Dataset interface: shapes, dtypes, gathering and its checks.
#include <gtest/gtest.h>

#include "data_test_helpers.hpp"
#include "minidl/data.hpp"
#include "minidl_test/errors.hpp"

namespace minidl::data {
namespace {

TEST(TensorDataset, DescribesItsSamples) {
  const TensorDataset images(Tensor::zeros({6, 2, 3}), Tensor::from_int64({0, 1, 2, 0, 1, 5}));
  EXPECT_EQ(images.size(), 6);
  EXPECT_EQ(images.feature_shape(), (Shape{2, 3}));
  EXPECT_EQ(images.target_shape(), Shape{});
  EXPECT_EQ(images.task(), Task::Classification);
  EXPECT_EQ(images.num_classes(), 6);
  EXPECT_EQ(images.allocate_batch(4).features.shape(), (Shape{4, 2, 3}));

  const TensorDataset regression(Tensor::zeros({6, 2}), Tensor::zeros({6, 3}));
  EXPECT_EQ(regression.task(), Task::Regression);
  EXPECT_EQ(regression.target_shape(), Shape{3});
  EXPECT_EQ(regression.target_dtype(), DType::Float32);
  EXPECT_EQ(regression.num_classes(), 0);
}

TEST(TensorDataset, ADeclaredClassCountIsTheCountEvenWhenLabelsLeaveClassesOut) {
  const TensorDataset declared(Tensor::zeros({3, 2}), Tensor::from_int64({0, 1, 1}), 10);
  EXPECT_EQ(declared.num_classes(), 10);
  try {
    TensorDataset(Tensor::zeros({3, 2}), Tensor::from_int64({0, 4, 1}), 3);
    FAIL() << "a label beyond the declared classes accepted";
  } catch (const ValueError& e) {
    test::expect_mentions(e.what(), {"label 4 at row 1", "3 declared classes"});
  }
  EXPECT_THROW(TensorDataset(Tensor::zeros({3, 2}), Tensor::zeros({3}), 3), ValueError) << "regression has no classes";
  EXPECT_THROW(TensorDataset(Tensor::zeros({3, 2}), Tensor::from_int64({0, 0, 0}), 0), ValueError);
}

TEST(TensorDataset, GetGathersRowsInTheGivenOrder) {
  const TensorDataset dataset = testing::indexed_dataset(10);
  const std::vector<int64_t> indices{7, 2, 7};
  const Batch batch = dataset.get(indices);
  EXPECT_EQ(testing::sample_ids(batch), indices);
  EXPECT_EQ(batch.features.at({0, 1}), 7.5f);
  EXPECT_EQ(batch.targets.to_int64_vector(), (std::vector<int64_t>{1, 2, 1}));
}

TEST(TensorDataset, NonContiguousInputsAreAccepted) {
  const Tensor columns = Tensor::arange(6, DType::Float32).reshape({2, 3}).t();  // [3, 2] view
  const TensorDataset dataset(columns, Tensor::zeros({3}));
  EXPECT_EQ(dataset.all().features.to_vector(), (std::vector<float>{0, 3, 1, 4, 2, 5}));
}

TEST(TensorDataset, RejectsInconsistentTensors) {
  EXPECT_THROW(TensorDataset(Tensor::zeros({4, 2}), Tensor::zeros({5})), ShapeError);
  EXPECT_THROW(TensorDataset(Tensor::zeros({4, 2}), Tensor::zeros({4, 1, 1})), ShapeError);
  EXPECT_THROW(TensorDataset(Tensor::zeros({0, 2}), Tensor::zeros({0})), ValueError);
  EXPECT_THROW(TensorDataset(Tensor::zeros({2, 2}, DType::Int64), Tensor::zeros({2})), DTypeError);
  try {
    TensorDataset(Tensor::zeros({3, 2}), Tensor::from_int64({0, -2, 1}));
    FAIL() << "negative label accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("got -2 at row 1"), std::string::npos) << e.what();
  }
}

TEST(TensorDataset, GetBatchChecksIndicesAndBuffers) {
  const TensorDataset dataset = testing::indexed_dataset(10);
  Batch batch = dataset.allocate_batch(2);
  const std::vector<int64_t> out_of_range{1, 10};
  EXPECT_THROW(dataset.get_batch(out_of_range, batch.features, batch.targets), IndexError);
  const std::vector<int64_t> three{1, 2, 3};
  EXPECT_THROW(dataset.get_batch(three, batch.features, batch.targets), ShapeError);
  Tensor float_targets = Tensor::zeros({2});
  const std::vector<int64_t> two{1, 2};
  EXPECT_THROW(dataset.get_batch(two, batch.features, float_targets), DTypeError);
}

TEST(TensorDataset, ABatchTooLargeToCountIsAValueErrorNamingTheShape) {
  const TensorDataset dataset = testing::indexed_dataset(10);
  try {
    dataset.allocate_batch(int64_t{1} << 62);
    FAIL() << "allocated a batch of 2^62 samples";
  } catch (const ValueError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("Dataset::allocate_batch"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[4611686018427387904, 2]"), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace minidl::data
