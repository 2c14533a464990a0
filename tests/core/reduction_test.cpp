// Reductions (sum, mean, max, min, argmax, sum_to) and softmax / log_softmax.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "minidl/core.hpp"
#include "float64_reference.hpp"
#include "test_helpers.hpp"

using namespace minidl;
using minidl::test::error_of;
using minidl::test::expect_mentions;
using minidl::test::expect_tensor;
using minidl::test::expect_near_f64;
using minidl::test::logits_of_magnitude;

namespace {
const float kNaN = std::numeric_limits<float>::quiet_NaN();

// [[0, 1, 2], [3, 4, 5]]
Tensor m23() { return Tensor::arange(6).view({2, 3}); }
}  // namespace

TEST(Sum, OverEverythingIsAZeroDimTensor) {
  const Tensor s = sum(m23());
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.item(), 15.0f);
  EXPECT_EQ(sum(Tensor::scalar(4)).item(), 4.0f);
  EXPECT_EQ(sum(Tensor::zeros({0})).item(), 0.0f);
}

TEST(Sum, OverOneDimWithAndWithoutKeepdim) {
  expect_tensor(sum(m23(), 0), {3}, {3, 5, 7});
  expect_tensor(sum(m23(), 1), {2}, {3, 12});
  expect_tensor(sum(m23(), -1, true), {2, 1}, {3, 12});
  expect_tensor(sum(m23(), 0, true), {1, 3}, {3, 5, 7});
  const Tensor a = Tensor::arange(24).view({2, 3, 4});
  expect_tensor(sum(a, 1), {2, 4}, {12, 15, 18, 21, 48, 51, 54, 57});
  expect_tensor(sum(Tensor::zeros({2, 0}), 1), {2}, {0, 0});
  expect_tensor(sum(Tensor::zeros({0, 2}), 1), {0}, {});
}

TEST(Sum, NonContiguousInputs) {
  const Tensor t = m23().t();  // [[0, 3], [1, 4], [2, 5]]
  expect_tensor(sum(t, 0), {2}, {3, 12});
  expect_tensor(sum(t, 1), {3}, {3, 5, 7});
  EXPECT_EQ(sum(Tensor::ones({3}).expand({4, 3})).item(), 12.0f);
}

TEST(Sum, LargeSumsAreAccurate) {
  // 1e6 copies of 0.1f: a naive float loop drifts by ~1%; the result must be exact to float precision.
  const float s = sum(Tensor::full({1000000}, 0.1f)).item();
  EXPECT_NEAR(s, 100000.0, 100000.0 * 1e-6);
  const Tensor wide = Tensor::full({3, 100000}, 0.1f);
  for (float v : sum(wide, 1).to_vector()) EXPECT_NEAR(v, 10000.0, 10000.0 * 1e-6);
  for (float v : sum(wide.t().contiguous(), 0).to_vector()) EXPECT_NEAR(v, 10000.0, 10000.0 * 1e-6);
}

TEST(Mean, DividesBySizeAndIsNaNWhenEmpty) {
  EXPECT_EQ(mean(m23()).item(), 2.5f);
  expect_tensor(mean(m23(), 1), {2}, {1, 4});
  expect_tensor(mean(m23(), 0, true), {1, 3}, {1.5f, 2.5f, 3.5f});
  EXPECT_TRUE(std::isnan(mean(Tensor::zeros({0})).item()));
  EXPECT_TRUE(std::isnan(mean(Tensor::zeros({2, 0}), 1).to_vector()[0]));
}

TEST(MaxMin, OverEverythingAndOneDim) {
  const Tensor t = Tensor::from({{3, -1, 7}, {2, 9, -4}});
  EXPECT_EQ(max(t).item(), 9.0f);
  EXPECT_EQ(min(t).item(), -4.0f);
  expect_tensor(max(t, 0), {3}, {3, 9, 7});
  expect_tensor(min(t, 1), {2}, {-1, -4});
  expect_tensor(max(t, 1, true), {2, 1}, {7, 9});
  expect_tensor(min(t.t(), 1), {3}, {2, -1, -4});
}

TEST(MaxMin, NaNWins) {
  const Tensor t = Tensor::from({{1, kNaN, 3}, {4, 5, 6}});
  EXPECT_TRUE(std::isnan(max(t).item()));
  EXPECT_TRUE(std::isnan(min(t).item()));
  const std::vector<float> by_col = max(t, 0).to_vector();
  EXPECT_TRUE(std::isnan(by_col[1]));
  EXPECT_EQ(by_col[2], 6.0f);
  EXPECT_TRUE(std::isnan(max(t, 1).to_vector()[0]));
}

TEST(MaxMin, EmptyInputsAreErrors) {
  expect_mentions(error_of<ValueError>([] { max(Tensor::zeros({0})); }), {"max", "empty", "[0]"});
  expect_mentions(error_of<ValueError>([] { min(Tensor::zeros({2, 0}), 1); }), {"min", "dim 1", "[2, 0]"});
  expect_mentions(error_of<ValueError>([] { argmax(Tensor::zeros({0, 3})); }), {"argmax", "[0, 3]"});
  expect_tensor(max(Tensor::zeros({0, 3}), 1), {0}, {});
}

TEST(Argmax, GivesInt64IndicesOfTheFirstMaximum) {
  const Tensor t = Tensor::from({{1, 5, 5}, {7, 0, 7}});
  const Tensor flat = argmax(t);
  EXPECT_EQ(flat.dtype(), DType::Int64);
  EXPECT_EQ(flat.dim(), 0);
  EXPECT_EQ(flat.item(), 3.0f);
  EXPECT_EQ(argmax(t, 1).to_int64_vector(), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(argmax(t, 0).to_int64_vector(), (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(argmax(t, -1, true).shape(), Shape({2, 1}));
  EXPECT_EQ(argmax(Tensor::from({1, kNaN, 3})).item(), 1.0f);  // NaN counts as the largest
}

TEST(Argmax, LargeInputsFindTheFirstMaximumAcrossChunks) {
  Tensor t = Tensor::zeros({100000});
  t.narrow(0, 70000, 1).fill_(2.0f);
  t.narrow(0, 90000, 1).fill_(2.0f);
  EXPECT_EQ(argmax(t).item(), 70000.0f);
}

TEST(Reductions, Int64AndBadDimsAreErrors) {
  expect_mentions(error_of<DTypeError>([] { sum(Tensor::from_int64({1})); }), {"sum", "int64"});
  expect_mentions(error_of<IndexError>([] { sum(m23(), 2); }), {"sum", "dim 2"});
  expect_mentions(error_of<IndexError>([] { softmax(m23(), -3); }), {"softmax", "dim -3"});
}

TEST(SumTo, InvertsBroadcasting) {
  const Tensor g = Tensor::arange(24).view({2, 3, 4});
  expect_tensor(sum_to(g, {4}), {4}, sum(sum(g, 0), 0).to_vector());
  expect_tensor(sum_to(g, {3, 1}), {3, 1}, sum(sum(g, 0), 1, true).to_vector());
  expect_tensor(sum_to(g, {1, 3, 1}), {1, 3, 1}, sum(sum(g, 0), 1, true).to_vector());
  expect_tensor(sum_to(g, {}), {}, {276});
  expect_tensor(sum_to(Tensor::zeros({0, 3}), {3}), {3}, {0, 0, 0});
  EXPECT_TRUE(sum_to(g, g.shape()).shares_storage(g));  // nothing to reduce: no copy
  expect_mentions(error_of<ShapeError>([&] { sum_to(g, {5}); }), {"sum_to", "[2, 3, 4]", "[5]"});
  expect_mentions(error_of<ShapeError>([&] { sum_to(g, {1, 2, 3, 4}); }), {"sum_to", "[1, 2, 3, 4]"});
}

TEST(Softmax, RowsSumToOneAndMatchTheFormula) {
  const Tensor x = Tensor::from({{1, 2, 3}, {-1, 0, 1000}});
  const Tensor p = softmax(x, 1);
  const std::vector<float> v = p.to_vector();
  const float z = std::exp(1.0f) + std::exp(2.0f) + std::exp(3.0f);
  EXPECT_FLOAT_EQ(v[0], std::exp(1.0f) / z);
  EXPECT_FLOAT_EQ(v[2], std::exp(3.0f) / z);
  EXPECT_EQ(v[5], 1.0f);  // no overflow from exp(1000)
  EXPECT_EQ(v[3], 0.0f);
  for (float s : sum(p, 1).to_vector()) EXPECT_NEAR(s, 1.0f, 1e-6f);
}

TEST(Softmax, AnyDimAndStridedInputs) {
  Generator gen(5);
  const Tensor x = Tensor::normal({3, 4, 5}, 0, 2, gen);
  for (int d = 0; d < 3; ++d) {
    const Tensor p = softmax(x, d);
    const Tensor want = exp(x - max(x, d, true)) / sum(exp(x - max(x, d, true)), d, true);
    EXPECT_TRUE(allclose(p, want, 1e-5f, 1e-7f)) << "dim " << d;
    EXPECT_TRUE(allclose(log_softmax(x, d), log(want), 1e-5f, 1e-6f)) << "dim " << d;
  }
  const Tensor t = x.transpose(0, 2);
  EXPECT_TRUE(allclose(softmax(t, -1), softmax(t.contiguous(), -1)));
}

TEST(Softmax, LogSoftmaxIsStableForLargeLogits) {
  const std::vector<float> v = log_softmax(Tensor::from({0, 1000}), 0).to_vector();
  EXPECT_EQ(v[0], -1000.0f);
  EXPECT_EQ(v[1], 0.0f);
  expect_tensor(softmax(Tensor::zeros({0, 3}), 1), {0, 3}, {});
  expect_tensor(softmax(Tensor::scalar(3), 0), {}, {1});
}

// At |logits| ~ 100 a float ulp of the logits is 8e-6; the results must not inherit it:
// log_softmax is (x - max) - log(sum), rounded once, so it is within an ulp of the float64
// answer plus the 6e-8 that float exps can leave in log(sum) (PyTorch: 3e-8 at 90).
TEST(Softmax, LogSoftmaxMatchesFloat64AtLargeLogits) {
  for (float m : {10.0f, 100.0f, 1e4f}) {
    const Tensor x = logits_of_magnitude(m);
    const std::string what = "log_softmax at magnitude " + std::to_string(m);
    expect_near_f64(log_softmax(x, 1).to_vector(), minidl::test::log_softmax_rows_f64(x), 1, 6e-8, what);
    // Along dim 0 of the transpose: the strided kernel, same rows.
    expect_near_f64(log_softmax(x.t().contiguous(), 0).t().contiguous().to_vector(),
                    minidl::test::log_softmax_rows_f64(x), 1, 6e-8, what + " (dim 0)");
  }
}

// exp(x - max) rounded to float, then scaled in double: two roundings, within 2 ulps.
TEST(Softmax, SoftmaxMatchesFloat64AtLargeLogits) {
  for (float m : {10.0f, 100.0f, 1e4f}) {
    const Tensor x = logits_of_magnitude(m);
    expect_near_f64(softmax(x, 1).to_vector(), minidl::test::softmax_rows_f64(x), 2, 1e-30,
                    "softmax at magnitude " + std::to_string(m));
  }
}
