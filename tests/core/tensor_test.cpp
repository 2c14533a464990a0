// Tensor: creation, metadata, element access, views sharing storage, copies.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "minidl/core.hpp"
#include "test_helpers.hpp"

using namespace minidl;
using minidl::test::error_of;
using minidl::test::expect_mentions;
using minidl::test::expect_tensor;

// ---- creation ---------------------------------------------------------------------------

TEST(TensorCreation, ZerosOnesFullHaveTheShapeAndValue) {
  expect_tensor(Tensor::zeros({2, 3}), {2, 3}, {0, 0, 0, 0, 0, 0});
  expect_tensor(Tensor::ones({3}), {3}, {1, 1, 1});
  expect_tensor(Tensor::full({2, 2}, 2.5f), {2, 2}, {2.5f, 2.5f, 2.5f, 2.5f});
  EXPECT_EQ(Tensor::zeros({4}, DType::Int64).dtype(), DType::Int64);
  EXPECT_EQ(Tensor::ones({2}, DType::Int64).to_int64_vector(), (std::vector<int64_t>{1, 1}));
}

TEST(TensorCreation, ArangeCountsUpFromZeroOrStart) {
  expect_tensor(Tensor::arange(4), {4}, {0, 1, 2, 3});
  EXPECT_EQ(Tensor::arange(3, DType::Int64).to_int64_vector(), (std::vector<int64_t>{0, 1, 2}));
  expect_tensor(Tensor::arange(1.0f, 2.0f, 0.25f), {4}, {1.0f, 1.25f, 1.5f, 1.75f});
  expect_tensor(Tensor::arange(0), {0}, {});
  EXPECT_THROW(Tensor::arange(0.0f, 1.0f, 0.0f), ValueError);
}

TEST(TensorCreation, EyeIsTheIdentity) { expect_tensor(Tensor::eye(2), {2, 2}, {1, 0, 0, 1}); }

TEST(TensorCreation, FromValuesRowsAndVectors) {
  expect_tensor(Tensor::from({1, 2, 3}), {3}, {1, 2, 3});
  expect_tensor(Tensor::from({{1, 2}, {3, 4}, {5, 6}}), {3, 2}, {1, 2, 3, 4, 5, 6});
  expect_tensor(Tensor::from(std::vector<float>{1, 2, 3, 4, 5, 6}, {2, 3}), {2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor s = Tensor::scalar(7.5f);
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.numel(), 1);
  EXPECT_EQ(s.item(), 7.5f);
  const Tensor labels = Tensor::from_int64({3, 1, 4});
  EXPECT_EQ(labels.dtype(), DType::Int64);
  EXPECT_EQ(labels.at_int64({2}), 4);
}

TEST(TensorCreation, MismatchedValuesAreShapeErrors) {
  expect_mentions(error_of<ShapeError>([] { Tensor::from(std::vector<float>{1, 2, 3}, {2, 2}); }), {"3", "[2, 2]"});
  expect_mentions(error_of<ShapeError>([] { Tensor::from({{1, 2}, {3}}); }), {"row 1"});
  EXPECT_THROW(Tensor::zeros({2, -1}), ShapeError);
}

// ---- metadata and access ----------------------------------------------------------------

TEST(TensorMetadata, ShapeStridesAndSizes) {
  const Tensor t = Tensor::zeros({2, 3, 4});
  EXPECT_EQ(t.dim(), 3);
  EXPECT_EQ(t.numel(), 24);
  EXPECT_EQ(t.strides(), Shape({12, 4, 1}));
  EXPECT_EQ(t.size(-1), 4);
  EXPECT_TRUE(t.is_contiguous());
  EXPECT_THROW(t.size(3), IndexError);
  EXPECT_FALSE(Tensor().defined());
}

TEST(TensorAccess, ItemAndAtAreBoundsChecked) {
  const Tensor t = Tensor::from({{1, 2}, {3, 4}});
  EXPECT_EQ(t.at({1, 0}), 3.0f);
  EXPECT_EQ(t.at({-1, -1}), 4.0f);
  expect_mentions(error_of<IndexError>([&] { t.at({2, 0}); }), {"index 2", "dim 0", "size 2"});
  expect_mentions(error_of<ShapeError>([&] { t.item(); }), {"item", "[2, 2]"});
  EXPECT_THROW(t.at_int64({0, 0}), DTypeError);
  EXPECT_EQ(Tensor::from_int64({5}).item(), 5.0f);
}

// ---- views ------------------------------------------------------------------------------

TEST(TensorViews, ReshapeAndViewShareStorage) {
  Tensor t = Tensor::arange(6);
  Tensor v = t.view({2, 3});
  Tensor r = t.reshape({3, -1});
  EXPECT_TRUE(v.shares_storage(t));
  EXPECT_TRUE(r.shares_storage(t));
  EXPECT_EQ(r.shape(), Shape({3, 2}));
  v.fill_(1.0f);
  EXPECT_EQ(t.to_vector(), std::vector<float>(6, 1.0f));
}

TEST(TensorViews, ViewOfANonContiguousTensorIsAShapeError) {
  const Tensor t = Tensor::arange(6).view({2, 3}).t();
  expect_mentions(error_of<ShapeError>([&] { t.view({6}); }), {"view", "[3, 2]", "[6]", "reshape"});
  const Tensor r = t.reshape({6});  // reshape copies instead
  EXPECT_FALSE(r.shares_storage(t));
  expect_tensor(r, {6}, {0, 3, 1, 4, 2, 5});
  expect_mentions(error_of<ShapeError>([&] { t.reshape({4}); }), {"[4]", "[3, 2]"});
}

TEST(TensorViews, TransposeAndPermuteSwapStrides) {
  const Tensor t = Tensor::arange(6).view({2, 3});
  const Tensor tt = t.t();
  EXPECT_TRUE(tt.shares_storage(t));
  EXPECT_FALSE(tt.is_contiguous());
  EXPECT_EQ(tt.strides(), Shape({1, 3}));
  expect_tensor(tt, {3, 2}, {0, 3, 1, 4, 2, 5});
  const Tensor p = Tensor::arange(24).view({2, 3, 4}).permute({2, 0, 1});
  EXPECT_EQ(p.shape(), Shape({4, 2, 3}));
  EXPECT_EQ(p.at({1, 1, 2}), 1 * 12 + 2 * 4 + 1);
  EXPECT_THROW(t.permute({0, 0}), ShapeError);
}

TEST(TensorViews, NarrowSliceAndSelectPickSubranges) {
  Tensor t = Tensor::arange(12).view({3, 4});
  expect_tensor(t.narrow(1, 1, 2), {3, 2}, {1, 2, 5, 6, 9, 10});
  expect_tensor(t.slice(1, 0, 4, 2), {3, 2}, {0, 2, 4, 6, 8, 10});
  expect_tensor(t.slice(0, -1, 3), {1, 4}, {8, 9, 10, 11});
  expect_tensor(t[1], {4}, {4, 5, 6, 7});
  expect_tensor(t.select(1, -1), {3}, {3, 7, 11});
  t.narrow(0, 2, 1).fill_(0.0f);
  EXPECT_EQ(t.at({2, 3}), 0.0f);
  expect_mentions(error_of<IndexError>([&] { t.narrow(1, 3, 2); }), {"narrow", "dim 1", "size 4"});
  expect_mentions(error_of<IndexError>([&] { t.select(0, 3); }), {"index 3", "dim 0", "size 3"});
}

TEST(TensorViews, SqueezeUnsqueezeFlatten) {
  const Tensor t = Tensor::zeros({2, 1, 3});
  EXPECT_EQ(t.squeeze().shape(), Shape({2, 3}));
  EXPECT_EQ(t.squeeze(1).shape(), Shape({2, 3}));
  EXPECT_EQ(t.squeeze(0).shape(), Shape({2, 1, 3}));
  EXPECT_EQ(t.unsqueeze(0).shape(), Shape({1, 2, 1, 3}));
  EXPECT_EQ(t.unsqueeze(-1).shape(), Shape({2, 1, 3, 1}));
  EXPECT_EQ(Tensor::zeros({2, 3, 4}).flatten(1).shape(), Shape({2, 12}));
  EXPECT_EQ(Tensor::zeros({2, 3, 4}).flatten().shape(), Shape({24}));
  EXPECT_EQ(Tensor::scalar(1).flatten().shape(), Shape({1}));
}

TEST(TensorViews, ExpandBroadcastsWithStrideZero) {
  const Tensor row = Tensor::from({1, 2, 3});
  const Tensor e = row.expand({2, 3});
  EXPECT_TRUE(e.shares_storage(row));
  EXPECT_EQ(e.strides(), Shape({0, 1}));
  expect_tensor(e, {2, 3}, {1, 2, 3, 1, 2, 3});
  expect_tensor(Tensor::from({1, 2}).view({2, 1}).expand({-1, 2}), {2, 2}, {1, 1, 2, 2});
  expect_mentions(error_of<ShapeError>([&] { row.expand({2, 4}); }), {"[3]", "[2, 4]"});
}

// ---- copies -----------------------------------------------------------------------------

TEST(TensorCopies, ContiguousCopiesOnlyWhenNeeded) {
  const Tensor t = Tensor::arange(6).view({2, 3});
  EXPECT_TRUE(t.contiguous().shares_storage(t));
  const Tensor c = t.t().contiguous();
  EXPECT_FALSE(c.shares_storage(t));
  EXPECT_TRUE(c.is_contiguous());
  expect_tensor(c, {3, 2}, {0, 3, 1, 4, 2, 5});
}

TEST(TensorCopies, ContiguousCopiesOfTransposedAndPermutedViewsHoldEveryElementInPlace) {
  // Sizes that are not multiples of the copy's 32 x 32 tiles, a permutation whose unit-stride dim
  // is not next to last, a broadcast dim, and both element types.
  using Index = std::vector<int64_t>;
  struct Case {
    std::function<Tensor(const Tensor& matrix, const Tensor& images)> view;
    std::function<int64_t(const Index&)> source;  // the arange value the element at an index holds
  };
  const std::vector<Case> cases = {
      {[](const Tensor& m, const Tensor&) { return m.t(); }, [](const Index& i) { return i[1] * 70 + i[0]; }},
      {[](const Tensor&, const Tensor& x) { return x.permute({0, 2, 3, 1}); },  // NCHW -> NHWC
       [](const Index& i) { return ((i[0] * 3 + i[3]) * 33 + i[1]) * 40 + i[2]; }},
      {[](const Tensor&, const Tensor& x) { return x.permute({0, 3, 1, 2}); },
       [](const Index& i) { return ((i[0] * 3 + i[2]) * 33 + i[3]) * 40 + i[1]; }},
      {[](const Tensor& m, const Tensor&) { return m.t().unsqueeze(0).expand({3, 70, 37}); },
       [](const Index& i) { return i[2] * 70 + i[1]; }},
  };
  for (const DType dtype : {DType::Float32, DType::Int64}) {
    const Tensor matrix = Tensor::arange(37 * 70).to(dtype).view({37, 70});
    const Tensor images = Tensor::arange(2 * 3 * 33 * 40).to(dtype).view({2, 3, 33, 40});
    for (const Case& c : cases) {
      const Tensor copy = c.view(matrix, images).contiguous();
      ASSERT_TRUE(copy.is_contiguous());
      const std::vector<int64_t> values = copy.to(DType::Int64).to_int64_vector();
      Index index(static_cast<size_t>(copy.dim()), 0);
      for (size_t flat = 0; flat < values.size(); ++flat) {
        ASSERT_EQ(values[flat], c.source(index)) << "element " << flat << " of " << to_string(copy.shape());
        for (int d = copy.dim() - 1; d >= 0 && ++index[static_cast<size_t>(d)] == copy.shape()[d]; --d)
          index[static_cast<size_t>(d)] = 0;
      }
    }
  }
}

TEST(TensorCopies, CloneOwnsItsData) {
  const Tensor t = Tensor::arange(3);
  Tensor c = t.clone();
  c.fill_(9.0f);
  expect_tensor(t, {3}, {0, 1, 2});
}

TEST(TensorCopies, ToConvertsBetweenDTypes) {
  const Tensor f = Tensor::from({1.7f, -2.2f});
  EXPECT_EQ(f.to(DType::Int64).to_int64_vector(), (std::vector<int64_t>{1, -2}));
  EXPECT_EQ(Tensor::from_int64({3, 4}).to(DType::Float32).to_vector(), (std::vector<float>{3, 4}));
  EXPECT_TRUE(f.to(DType::Float32).shares_storage(f));
}

TEST(TensorCopies, CopyBroadcastsIntoANonContiguousDestination) {
  Tensor t = Tensor::zeros({3, 2});
  Tensor tt = t.t();  // [2, 3] view
  tt.copy_(Tensor::from({1, 2, 3}));
  expect_tensor(t, {3, 2}, {1, 1, 2, 2, 3, 3});
  expect_mentions(error_of<ShapeError>([&] { tt.copy_(Tensor::zeros({4})); }), {"copy_", "[2, 3]", "[4]"});
}

TEST(TensorCopies, CopyFromAnOverlappingViewCopiesWhatTheViewHeld) {
  Tensor t = Tensor::arange(9).view({3, 3});
  t.copy_(t.t());
  expect_tensor(t, {3, 3}, {0, 3, 6, 1, 4, 7, 2, 5, 8});
  Tensor row = Tensor::arange(5);
  row.narrow(0, 1, 4).copy_(row.narrow(0, 0, 4));  // a shift by one, as x[1:] = x[:-1]
  expect_tensor(row, {5}, {0, 0, 1, 2, 3});
}

TEST(TensorCopies, InPlaceWritesBumpTheVersion) {
  Tensor t = Tensor::zeros({2});
  const uint64_t v0 = t.version();
  t.fill_(1.0f);
  const Tensor view = t.view({2});
  t.add_(1.0f);
  EXPECT_EQ(t.version(), v0 + 2);
  EXPECT_EQ(view.version(), t.version());  // views share the counter
  t.copy_(Tensor::ones({2}));
  EXPECT_EQ(t.version(), v0 + 3);
}

TEST(TensorErrors, DTypeErrorsNameTheOpAndDType) {
  const Tensor labels = Tensor::from_int64({1, 2});
  expect_mentions(error_of<DTypeError>([&] { labels.data<float>(); }), {"float32", "int64"});
  expect_mentions(error_of<DTypeError>([&] { check_dtype(labels, DType::Float32, "exp"); }), {"exp", "int64"});
}
