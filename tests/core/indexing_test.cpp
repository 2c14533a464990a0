// Gathering and joining: index_select, gather, cat, stack.
#include <gtest/gtest.h>

#include "minidl/core.hpp"
#include "test_helpers.hpp"

using namespace minidl;
using minidl::test::error_of;
using minidl::test::expect_mentions;
using minidl::test::expect_tensor;

namespace {
// [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
Tensor m43() { return Tensor::arange(12).view({4, 3}); }
}  // namespace

TEST(IndexSelect, PicksRowsInIndexOrder) {
  expect_tensor(index_select(m43(), 0, Tensor::from_int64({2, 0, 2})), {3, 3}, {6, 7, 8, 0, 1, 2, 6, 7, 8});
  expect_tensor(index_select(m43(), 1, Tensor::from_int64({2, 0})), {4, 2}, {2, 0, 5, 3, 8, 6, 11, 9});
  expect_tensor(index_select(m43(), -1, Tensor::from_int64({})), {4, 0}, {});
}

TEST(IndexSelect, WorksOnInt64AndStridedInputs) {
  const Tensor labels = Tensor::from_int64({7, 8, 9});
  EXPECT_EQ(index_select(labels, 0, Tensor::from_int64({2, 2, 0})).to_int64_vector(),
            (std::vector<int64_t>{9, 9, 7}));
  expect_tensor(index_select(m43().t(), 0, Tensor::from_int64({1})), {1, 4}, {1, 4, 7, 10});
  const Tensor a = Tensor::arange(24).view({2, 3, 4});
  expect_tensor(index_select(a, 1, Tensor::from_int64({2})), {2, 1, 4}, {8, 9, 10, 11, 20, 21, 22, 23});
}

TEST(IndexSelect, LargeBatchesMatchRowByRowSelection) {
  Generator gen(9);
  const Tensor data = Tensor::normal({1000, 64}, 0, 1, gen);
  const Tensor perm = Tensor::randperm(1000, gen);
  const Tensor out = index_select(data, 0, perm);
  for (int64_t i : {0, 499, 999}) {
    const int64_t src = perm.at_int64({i});
    EXPECT_EQ(out[i].to_vector(), data[src].to_vector());
  }
}

TEST(IndexSelect, BadIndicesAreErrors) {
  expect_mentions(error_of<IndexError>([] { index_select(m43(), 0, Tensor::from_int64({1, 4})); }),
                  {"index_select", "index 4", "dim 0", "size 4"});
  expect_mentions(error_of<IndexError>([] { index_select(m43(), 1, Tensor::from_int64({-1})); }),
                  {"index -1", "dim 1", "size 3"});
  expect_mentions(error_of<DTypeError>([] { index_select(m43(), 0, Tensor::from({1})); }),
                  {"index_select", "int64", "float32"});
  EXPECT_THROW(index_select(m43(), 0, Tensor::zeros({1, 1}, DType::Int64)), ShapeError);
}

TEST(Gather, PicksOneElementPerIndexAlongDim) {
  const Tensor logits = Tensor::from({{1, 2, 3}, {4, 5, 6}});
  // The cross-entropy pattern: the target class's score of each row.
  const Tensor target = Tensor::from_int64({2, 0}).view({2, 1});
  expect_tensor(gather(logits, 1, target), {2, 1}, {3, 4});
  const Tensor idx = Tensor::from_int64(std::vector<int64_t>{1, 0, 0, 0, 1, 1}, {2, 3});
  expect_tensor(gather(logits, 0, idx), {2, 3}, {4, 2, 3, 1, 5, 6});
  expect_tensor(gather(logits.t(), 0, Tensor::from_int64({1, 0}).view({1, 2})), {1, 2}, {2, 4});
}

TEST(Gather, BadIndicesAreErrors) {
  const Tensor logits = Tensor::zeros({2, 3});
  expect_mentions(error_of<IndexError>([&] { gather(logits, 1, Tensor::from_int64({3, 0}).view({2, 1})); }),
                  {"gather", "index 3", "dim 1", "size 3"});
  expect_mentions(error_of<ShapeError>([&] { gather(logits, 1, Tensor::from_int64({0, 0})); }),
                  {"gather", "[2]", "[2, 3]"});
  EXPECT_THROW(gather(logits, 1, Tensor::zeros({3, 1}, DType::Int64)), ShapeError);
}

TEST(IndexAdd, AddsEachSourceSliceAtItsIndexAndRepeatsAddUp) {
  const Tensor rows = Tensor::from({{1, 1, 1}, {2, 2, 2}, {3, 3, 3}});
  expect_tensor(index_add(Tensor::zeros({4, 3}), 0, Tensor::from_int64({3, 0, 3}), rows), {4, 3},
                {2, 2, 2, 0, 0, 0, 0, 0, 0, 4, 4, 4});
  // Along dim 1 of a strided input, which stays untouched.
  const Tensor base = m43().t();
  expect_tensor(index_add(base, 1, Tensor::from_int64({1}), Tensor::ones({3, 1})), {3, 4},
                {0, 4, 6, 9, 1, 5, 7, 10, 2, 6, 8, 11});
  expect_tensor(base, {3, 4}, {0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11});
}

TEST(IndexAdd, BadIndicesAndShapesAreErrors) {
  expect_mentions(error_of<IndexError>([] { index_add(m43(), 0, Tensor::from_int64({4}), Tensor::ones({1, 3})); }),
                  {"index_add", "index 4", "dim 0", "size 4"});
  expect_mentions(error_of<ShapeError>([] { index_add(m43(), 0, Tensor::from_int64({0, 1}), Tensor::ones({1, 3})); }),
                  {"index_add", "[1, 3]", "[2, 3]"});
  EXPECT_THROW(index_add(m43(), 0, Tensor::from({0}), Tensor::ones({1, 3})), DTypeError);
}

TEST(ScatterAdd, AddsEachSourceElementWhereGatherWouldHaveReadIt) {
  // The gradient of picking each row's target class: the output gradient lands at the target.
  const Tensor target = Tensor::from_int64({2, 0, 2}).view({3, 1});
  expect_tensor(scatter_add(Tensor::zeros({3, 3}), 1, target, Tensor::from({5, 6, 7}).view({3, 1})), {3, 3},
                {0, 0, 5, 6, 0, 0, 0, 0, 7});
  const Tensor idx = Tensor::from_int64(std::vector<int64_t>{1, 1, 0, 1}, {2, 2});
  expect_tensor(scatter_add(Tensor::ones({2, 2}), 0, idx, Tensor::from({{1, 2}, {3, 4}})), {2, 2}, {4, 1, 2, 7});
}

TEST(ScatterAdd, BadIndicesAndShapesAreErrors) {
  const Tensor zeros = Tensor::zeros({2, 3});
  expect_mentions(error_of<IndexError>([&] {
                    scatter_add(zeros, 1, Tensor::from_int64({3, 0}).view({2, 1}), Tensor::ones({2, 1}));
                  }),
                  {"scatter_add", "index 3", "dim 1", "size 3"});
  expect_mentions(error_of<ShapeError>([&] {
                    scatter_add(zeros, 1, Tensor::from_int64({0, 0}).view({2, 1}), Tensor::ones({2, 2}));
                  }),
                  {"scatter_add", "[2, 1]", "[2, 2]"});
  EXPECT_THROW(scatter_add(zeros, 1, Tensor::zeros({3, 1}, DType::Int64), Tensor::ones({3, 1})), ShapeError);
}

TEST(Cat, JoinsAlongAnyDim) {
  const Tensor a = Tensor::from({{1, 2}}), b = Tensor::from({{3, 4}, {5, 6}});
  expect_tensor(cat({a, b}), {3, 2}, {1, 2, 3, 4, 5, 6});
  expect_tensor(cat({b, b.t()}, 1), {2, 4}, {3, 4, 3, 5, 5, 6, 4, 6});
  expect_tensor(cat({Tensor::zeros({0, 2}), a}, 0), {1, 2}, {1, 2});
  EXPECT_EQ(cat({Tensor::from_int64({1}), Tensor::from_int64({2, 3})}).to_int64_vector(),
            (std::vector<int64_t>{1, 2, 3}));
}

TEST(Cat, MismatchesAreErrors) {
  expect_mentions(error_of<ShapeError>([] { cat({Tensor::zeros({1, 2}), Tensor::zeros({1, 3})}); }),
                  {"cat", "tensor 1", "[1, 3]", "[1, 2]", "dim 0"});
  EXPECT_THROW(cat({Tensor::zeros({1}), Tensor::zeros({1}, DType::Int64)}), DTypeError);
  EXPECT_THROW(cat({}), ValueError);
  EXPECT_THROW(cat({Tensor::scalar(1)}), ShapeError);
}

TEST(Stack, AddsANewDim) {
  const Tensor a = Tensor::from({1, 2}), b = Tensor::from({3, 4});
  expect_tensor(stack({a, b}), {2, 2}, {1, 2, 3, 4});
  expect_tensor(stack({a, b}, 1), {2, 2}, {1, 3, 2, 4});
  expect_tensor(stack({Tensor::scalar(1), Tensor::scalar(2)}), {2}, {1, 2});
  expect_mentions(error_of<ShapeError>([&] { stack({a, Tensor::zeros({3})}); }), {"stack", "tensor 1", "[3]", "[2]"});
}
