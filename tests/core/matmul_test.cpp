// matmul / addmm / gemm_into against a naive triple loop, including transposed views.
#include <gtest/gtest.h>

#include <limits>
#include <tuple>

#include "minidl/core.hpp"
#include "test_helpers.hpp"

using namespace minidl;
using minidl::test::error_of;
using minidl::test::expect_mentions;
using minidl::test::expect_tensor;

namespace {
// The reference product, accumulated in double.
Tensor naive_matmul(const Tensor& a, const Tensor& b) {
  const int64_t m = a.size(0), k = a.size(1), n = b.size(1);
  const std::vector<float> x = a.to_vector(), y = b.to_vector();
  std::vector<float> out(static_cast<size_t>(m * n));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < k; ++p)
        s += static_cast<double>(x[static_cast<size_t>(i * k + p)]) * y[static_cast<size_t>(p * n + j)];
      out[static_cast<size_t>(i * n + j)] = static_cast<float>(s);
    }
  return Tensor::from(out, {m, n});
}

Tensor randn(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  return Tensor::normal(shape, 0, 1, gen);
}
}  // namespace

TEST(Matmul, TwoByTwo) {
  expect_tensor(matmul(Tensor::from({{1, 2}, {3, 4}}), Tensor::from({{5, 6}, {7, 8}})), {2, 2}, {19, 22, 43, 50});
}

TEST(Matmul, MatchesTheNaiveLoop) {
  const Tensor a = randn({7, 5}, 1), b = randn({5, 3}, 2);
  EXPECT_TRUE(allclose(matmul(a, b), naive_matmul(a, b), 1e-5f, 1e-5f));
}

TEST(Matmul, TransposedViewsAreUsedWithoutCopies) {
  const Tensor a = randn({5, 7}, 3), b = randn({3, 5}, 4);
  const Tensor at = a.t(), bt = b.t();  // [7, 5] and [5, 3], column-major views
  EXPECT_TRUE(allclose(matmul(at, bt), naive_matmul(at, bt), 1e-5f, 1e-5f));
  const Tensor c = randn({7, 5}, 5);
  EXPECT_TRUE(allclose(matmul(c, bt), naive_matmul(c, bt), 1e-5f, 1e-5f));
  EXPECT_TRUE(allclose(matmul(at, randn({5, 2}, 6)), naive_matmul(at, randn({5, 2}, 6)), 1e-5f, 1e-5f));
}

TEST(Matmul, NarrowedAndSlicedOperands) {
  const Tensor big = randn({8, 10}, 7);
  const Tensor a = big.narrow(1, 2, 5);       // row stride 10
  const Tensor b = randn({10, 6}, 8).slice(0, 0, 10, 2);  // [5, 6] with row stride 12
  EXPECT_TRUE(allclose(matmul(a, b), naive_matmul(a.contiguous(), b.contiguous()), 1e-5f, 1e-5f));
}

TEST(Matmul, LargeProductsAreTiledWithTheSameResult) {
  const Tensor a = randn({200, 150}, 9), b = randn({150, 300}, 10);  // 9e6 multiply-adds: tiled
  EXPECT_TRUE(allclose(matmul(a, b), naive_matmul(a, b), 1e-4f, 1e-4f));
  EXPECT_TRUE(allclose(matmul(b.t(), a.t()), naive_matmul(a, b).t(), 1e-4f, 1e-4f));
}

TEST(Matmul, VectorOperands) {
  const Tensor m = Tensor::from({{1, 2}, {3, 4}}), v = Tensor::from({1, 1});
  expect_tensor(matmul(m, v), {2}, {3, 7});
  expect_tensor(matmul(v, m), {2}, {4, 6});
  expect_tensor(matmul(v, v), {}, {2});
}

TEST(Matmul, BatchedThreeDimensional) {
  const Tensor a = randn({4, 3, 5}, 11), b = randn({4, 5, 2}, 12);
  const Tensor out = matmul(a, b);
  EXPECT_EQ(out.shape(), Shape({4, 3, 2}));
  for (int64_t i = 0; i < 4; ++i) EXPECT_TRUE(allclose(out[i], naive_matmul(a[i], b[i]), 1e-5f, 1e-5f));
  const Tensor w = randn({5, 6}, 13);
  const Tensor shared = matmul(a, w);
  for (int64_t i = 0; i < 4; ++i) EXPECT_TRUE(allclose(shared[i], naive_matmul(a[i], w), 1e-5f, 1e-5f));
  const Tensor bt = randn({4, 2, 5}, 14).transpose(1, 2);  // batched transposed view
  const Tensor out_t = matmul(a, bt);
  for (int64_t i = 0; i < 4; ++i) EXPECT_TRUE(allclose(out_t[i], naive_matmul(a[i], bt[i]), 1e-5f, 1e-5f));
}

TEST(Matmul, EmptyInnerDimGivesZeros) {
  expect_tensor(matmul(Tensor::zeros({2, 0}), Tensor::zeros({0, 3})), {2, 3}, std::vector<float>(6, 0.0f));
}

TEST(Matmul, BadShapesNameBothShapes) {
  expect_mentions(error_of<ShapeError>([] { matmul(Tensor::zeros({2, 3}), Tensor::zeros({2, 3})); }),
                  {"matmul", "[2, 3]", "3 != 2"});
  expect_mentions(error_of<ShapeError>([] { matmul(Tensor::zeros({2, 3, 4}), Tensor::zeros({3, 4, 5})); }),
                  {"matmul", "[2, 3, 4]", "[3, 4, 5]"});
  EXPECT_THROW(matmul(Tensor::scalar(1), Tensor::zeros({1})), ShapeError);
  EXPECT_THROW(matmul(Tensor::zeros({1, 1}, DType::Int64), Tensor::zeros({1, 1})), DTypeError);
}

TEST(Addmm, AddsABroadcastBiasRow) {
  const Tensor x = randn({6, 4}, 15), w = randn({3, 4}, 16), bias = randn({3}, 17);
  const Tensor out = addmm(bias, x, w.t());  // what Linear computes
  EXPECT_TRUE(allclose(out, naive_matmul(x, w.t()) + bias, 1e-5f, 1e-5f));
}

TEST(Addmm, BroadcastsEveryShapeOfCThatFits) {
  const Tensor a = randn({5, 3}, 18), b = randn({3, 4}, 19);
  for (const Shape& shape : {Shape{4}, Shape{1}, Shape{1, 4}, Shape{5, 1}, Shape{5, 4}}) {
    const Tensor c = randn(shape, 20);
    EXPECT_TRUE(allclose(addmm(c, a, b, 0.5f, 2.0f), naive_matmul(a, b) * 2.0f + c * 0.5f, 1e-5f, 1e-5f))
        << to_string(shape);
  }
  const Tensor strided_bias = randn({8}, 21).slice(0, 0, 8, 2);  // [4], stride 2
  EXPECT_TRUE(allclose(addmm(strided_bias, a, b), naive_matmul(a, b) + strided_bias, 1e-5f, 1e-5f));
}

TEST(Addmm, ScalesByBetaAndAlpha) {
  const Tensor c = Tensor::ones({2, 2}), a = Tensor::eye(2), b = Tensor::from({{1, 2}, {3, 4}});
  expect_tensor(addmm(c, a, b, 0.5f, 2.0f), {2, 2}, {2.5f, 4.5f, 6.5f, 8.5f});
  expect_tensor(addmm(c, a, b, 0.0f), {2, 2}, {1, 2, 3, 4});
  expect_mentions(error_of<ShapeError>([&] { addmm(Tensor::zeros({3}), a, b); }), {"addmm", "[3]"});
}

TEST(GemmInto, BetaZeroNeverReadsTheOutput) {
  // As in BLAS, beta = 0 overwrites `out`: NaN there (or uninitialised memory) must not leak
  // into the product through 0 * NaN. Covers the plain loop, the empty inner dimension, one
  // sgemm call and sgemm on tiles (each clears its own part of `out`, whose rows are longer).
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const auto& [m, k, n] :
       {std::tuple{3, 4, 2}, std::tuple{3, 0, 2}, std::tuple{40, 30, 20}, std::tuple{64, 128, 200}}) {
    SCOPED_TRACE(std::to_string(m) + "x" + std::to_string(k) + "x" + std::to_string(n));
    const Tensor a = randn({m, k}, 30), b = randn({k, n}, 31);
    Tensor out = Tensor::full({m, n}, nan);
    gemm_into(out, a, b, 0.0f, 1.0f);
    EXPECT_TRUE(allclose(out, k == 0 ? Tensor::zeros({m, n}) : naive_matmul(a, b), 1e-5f, 1e-5f));
  }
}

TEST(GemmInto, AccumulatesIntoAnExistingMatrix) {
  Tensor out = Tensor::ones({2, 2});
  const uint64_t v = out.version();
  gemm_into(out, Tensor::eye(2), Tensor::from({{1, 2}, {3, 4}}), 1.0f, 1.0f);
  expect_tensor(out, {2, 2}, {2, 3, 4, 5});
  EXPECT_GT(out.version(), v);
  EXPECT_THROW(gemm_into(out, Tensor::eye(3), Tensor::eye(3), 0, 1), ShapeError);
}
