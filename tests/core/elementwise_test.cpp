// Elementwise ops: values, PyTorch broadcasting, strided inputs, in-place variants, errors.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "minidl/core.hpp"
#include "test_helpers.hpp"

using namespace minidl;
using minidl::test::error_of;
using minidl::test::expect_mentions;
using minidl::test::expect_tensor;

namespace {
const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

// The reference: a naive loop over a[i] op b[i], for checking the broadcast engine.
template <class Op>
std::vector<float> zip(const Tensor& a, const Tensor& b, Op op) {
  const std::vector<float> x = a.to_vector(), y = b.to_vector();
  std::vector<float> out(x.size());
  for (size_t i = 0; i < x.size(); ++i) out[i] = op(x[i], y[i]);
  return out;
}
}  // namespace

// ---- binary ops and broadcasting ----------------------------------------------------------

TEST(Elementwise, ArithmeticOnEqualShapes) {
  const Tensor a = Tensor::from({1, 2, 3}), b = Tensor::from({4, 5, 6});
  expect_tensor(add(a, b), {3}, {5, 7, 9});
  expect_tensor(sub(a, b), {3}, {-3, -3, -3});
  expect_tensor(mul(a, b), {3}, {4, 10, 18});
  expect_tensor(div(b, a), {3}, {4, 2.5f, 2});
  expect_tensor(maximum(a, Tensor::from({2, 2, 2})), {3}, {2, 2, 3});
  expect_tensor(minimum(a, Tensor::from({2, 2, 2})), {3}, {1, 2, 2});
  expect_tensor(pow(a, Tensor::from({2, 0, 1})), {3}, {1, 1, 3});
}

TEST(Elementwise, OperatorsMatchTheNamedFunctions) {
  const Tensor a = Tensor::from({1, 2}), b = Tensor::from({3, 4});
  expect_tensor(a + b * 2.0f - 1.0f, {2}, {6, 9});
  expect_tensor(1.0f - a / b, {2}, {1 - 1 / 3.0f, 0.5f});
  expect_tensor(2.0f * -a + 3.0f, {2}, {1, -1});
  expect_tensor(6.0f / a, {2}, {6, 3});
}

TEST(Broadcasting, RowAddsToEveryRow) {
  const Tensor m = Tensor::arange(12).view({4, 3});
  const Tensor row = Tensor::from({10, 20, 30});
  const Tensor out = m + row;
  EXPECT_EQ(out.shape(), Shape({4, 3}));
  EXPECT_EQ(out.to_vector(), zip(m, row.expand({4, 3}), std::plus<>{}));
  EXPECT_EQ((row - m).to_vector(), zip(row.expand({4, 3}), m, std::minus<>{}));
}

TEST(Broadcasting, ColumnTimesRowIsAnOuterProduct) {
  const Tensor col = Tensor::from({1, 2, 3, 4}).view({4, 1});  // [4, 1]
  const Tensor row = Tensor::from({{1, 10, 100}});        // [1, 3]
  expect_tensor(col * row, {4, 3}, {1, 10, 100, 2, 20, 200, 3, 30, 300, 4, 40, 400});
  const Tensor m = Tensor::arange(12).view({4, 3});
  EXPECT_EQ((m / (col + 0.0f)).to_vector(), zip(m, col.expand({4, 3}), std::divides<>{}));
}

TEST(Broadcasting, ZeroDimScalarsBroadcastWithAnything) {
  const Tensor s = Tensor::scalar(2);
  expect_tensor(s * Tensor::from({{1, 2}, {3, 4}}), {2, 2}, {2, 4, 6, 8});
  expect_tensor(Tensor::from({1}) - s, {1}, {-1});
  expect_tensor(s + s, {}, {4});
  expect_tensor(s + Tensor::zeros({0, 3}), {0, 3}, {});
}

TEST(Broadcasting, LeadingDimsAndThreeDimensions) {
  const Tensor a = Tensor::arange(24).view({2, 3, 4});
  const Tensor b = Tensor::arange(12).view({3, 4});
  EXPECT_EQ((a + b).to_vector(), zip(a, b.expand({2, 3, 4}), std::plus<>{}));
  const Tensor c = Tensor::arange(2).view({2, 1, 1});
  EXPECT_EQ((a * c).to_vector(), zip(a, c.expand({2, 3, 4}), std::multiplies<>{}));
  const Tensor d = Tensor::arange(3).view({3, 1});
  EXPECT_EQ((a - d).to_vector(), zip(a, d.expand({2, 3, 4}), std::minus<>{}));
}

TEST(Broadcasting, EmptyTensorsGiveEmptyResults) {
  expect_tensor(Tensor::zeros({0}) + Tensor::zeros({0}), {0}, {});
  expect_tensor(Tensor::zeros({0, 3}) + Tensor::ones({3}), {0, 3}, {});
  expect_tensor(Tensor::zeros({2, 0}) * Tensor::ones({2, 1}), {2, 0}, {});
  expect_tensor(exp(Tensor::zeros({0, 4})), {0, 4}, {});
}

TEST(Broadcasting, MismatchedShapesNameTheOpAndBothShapes) {
  const std::string msg = error_of<ShapeError>([] { add(Tensor::zeros({4, 3}), Tensor::zeros({4})); });
  expect_mentions(msg, {"add", "[4, 3]", "[4]"});
  expect_mentions(error_of<ShapeError>([] { mul(Tensor::zeros({2, 3}), Tensor::zeros({3, 2})); }),
                  {"mul", "[2, 3]", "[3, 2]"});
  expect_mentions(error_of<ShapeError>([] { eq(Tensor::zeros({2}), Tensor::zeros({3})); }), {"eq", "[2]", "[3]"});
  expect_mentions(error_of<ShapeError>([] { where(Tensor::zeros({2}), Tensor::zeros({3}), Tensor::zeros({1})); }),
                  {"where", "[2]", "[3]"});
}

TEST(Broadcasting, NonContiguousInputsReadThroughTheirStrides) {
  const Tensor m = Tensor::arange(12).view({3, 4});
  const Tensor t = m.t();                   // [4, 3], transposed
  const Tensor n = m.narrow(1, 1, 2);       // [3, 2], row stride 4
  const Tensor s = m.slice(1, 0, 4, 2);     // [3, 2], column stride 2
  const Tensor e = Tensor::from({1, 2, 3}).expand({4, 3});
  EXPECT_EQ((t + e).to_vector(), zip(t.contiguous(), e.contiguous(), std::plus<>{}));
  EXPECT_EQ((n * s).to_vector(), zip(n.contiguous(), s.contiguous(), std::multiplies<>{}));
  EXPECT_EQ((t - t).to_vector(), std::vector<float>(12, 0.0f));
  expect_tensor(exp(n) , {3, 2}, exp(n.contiguous()).to_vector());
  expect_tensor(relu(t - 5.0f), {4, 3}, relu(t.contiguous() - 5.0f).to_vector());
}

TEST(Broadcasting, LargeTensorsTakeTheParallelPathWithTheSameValues) {
  Generator gen(1);
  const Tensor a = Tensor::normal({300, 500}, 0, 1, gen), b = Tensor::normal({500}, 0, 1, gen);
  const Tensor c = Tensor::normal({300, 1}, 0, 1, gen);
  EXPECT_EQ((a + b).to_vector(), zip(a, b.expand({300, 500}), std::plus<>{}));
  EXPECT_EQ((a * c).to_vector(), zip(a, c.expand({300, 500}), std::multiplies<>{}));
  EXPECT_EQ((a.t() - a.t()).to_vector(), std::vector<float>(150000, 0.0f));
  EXPECT_EQ((a + a).to_vector(), zip(a, a, std::plus<>{}));
}

// ---- scalar variants and unary functions ------------------------------------------------

TEST(Elementwise, ScalarVariants) {
  const Tensor a = Tensor::from({1, 2, 4});
  expect_tensor(add(a, 1), {3}, {2, 3, 5});
  expect_tensor(sub(a, 1), {3}, {0, 1, 3});
  expect_tensor(rsub(a, 1), {3}, {0, -1, -3});
  expect_tensor(mul(a, 0.5f), {3}, {0.5f, 1, 2});
  expect_tensor(div(a, 2), {3}, {0.5f, 1, 2});
  expect_tensor(rdiv(a, 4), {3}, {4, 2, 1});
}

TEST(Elementwise, PowWithAScalarExponent) {
  const Tensor a = Tensor::from({1, 2, 4});
  expect_tensor(pow(a, 2.0f), {3}, {1, 4, 16});
  expect_tensor(pow(a, 3.0f), {3}, {1, 8, 64});
  expect_tensor(pow(a, 0.5f), {3}, {1, std::sqrt(2.0f), 2});
  expect_tensor(pow(a, -1.0f), {3}, {1, 0.5f, 0.25f});
  expect_tensor(pow(a, 1.0f), {3}, {1, 2, 4});
  expect_tensor(pow(a, 1.5f), {3}, {1, std::pow(2.0f, 1.5f), 8});
}

TEST(Elementwise, UnaryFunctionsMatchTheStandardLibrary) {
  const std::vector<float> xs{-3.0f, -0.5f, 0.0f, 0.25f, 2.0f};
  const Tensor x = Tensor::from(xs, {5});
  auto expect_map = [&](const Tensor& out, auto f) {
    std::vector<float> want;
    for (float v : xs) want.push_back(f(v));
    expect_tensor(out, {5}, want);
  };
  expect_map(neg(x), [](float v) { return -v; });
  expect_map(exp(x), [](float v) { return std::exp(v); });
  expect_map(abs(x), [](float v) { return std::fabs(v); });
  expect_map(tanh(x), [](float v) { return std::tanh(v); });
  expect_map(relu(x), [](float v) { return v > 0 ? v : 0.0f; });
  expect_map(leaky_relu(x, 0.1f), [](float v) { return v > 0 ? v : 0.1f * v; });
  expect_map(sign(x), [](float v) { return v > 0 ? 1.0f : v < 0 ? -1.0f : 0.0f; });
  expect_map(clamp(x, -1.0f, 1.0f), [](float v) { return std::min(std::max(v, -1.0f), 1.0f); });
  expect_tensor(log(Tensor::from({1, 4})), {2}, {0, std::log(4.0f)});
  expect_tensor(sqrt(Tensor::from({4, 2})), {2}, {2, std::sqrt(2.0f)});
}

TEST(Elementwise, TanhIsWithinTwoUlpOfTheTrueValueAndKeepsItsSpecialValues) {
  std::vector<float> xs;
  for (int i = -200000; i <= 200000; ++i) xs.push_back(static_cast<float>(i) * 1e-4f);  // [-20, 20]
  for (float tiny : {1e-30f, 1e-10f, 1e-5f, 0.6249999f, 0.625f, 9.0f, 88.0f, 1e30f}) {
    xs.push_back(tiny);
    xs.push_back(-tiny);
  }
  const std::vector<float> got = tanh(Tensor::from(xs, {static_cast<int64_t>(xs.size())})).to_vector();
  const auto ordered = [](float v) {  // floats in order as integers, so their distance counts ulps
    const auto bits = std::bit_cast<int32_t>(v);
    return bits < 0 ? int64_t{INT32_MIN} - bits : int64_t{bits};
  };
  for (size_t i = 0; i < xs.size(); ++i) {
    const auto want = static_cast<float>(std::tanh(static_cast<double>(xs[i])));
    EXPECT_LE(std::abs(ordered(got[i]) - ordered(want)), 2) << "tanh(" << xs[i] << ") = " << got[i] << ", not " << want;
  }
  const std::vector<float> special =
      tanh(Tensor::from({-0.0f, std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                         std::numeric_limits<float>::quiet_NaN()}))
          .to_vector();
  EXPECT_TRUE(special[0] == 0.0f && std::signbit(special[0]));
  EXPECT_EQ(special[1], 1.0f);
  EXPECT_EQ(special[2], -1.0f);
  EXPECT_TRUE(std::isnan(special[3]));
}

TEST(Elementwise, ExpIsTheCorrectlyRoundedValueAndKeepsItsSpecialValues) {
  // Every 1021st float of [-104, 89] (where e^x is neither 0 nor infinity in float), and the edges.
  std::vector<float> xs;
  for (uint32_t bits = 0; bits <= std::bit_cast<uint32_t>(104.0f); bits += 1021) {
    const float v = std::bit_cast<float>(bits);
    xs.push_back(-v);
    if (v <= 89.0f) xs.push_back(v);
  }
  for (float edge : {88.72283f, 88.72284f, -87.33654f, -87.33655f, -103.27893f, -103.97208f})
    xs.push_back(edge);
  const std::vector<float> got = exp(Tensor::from(xs, {static_cast<int64_t>(xs.size())})).to_vector();
  const auto ordered = [](float v) { return int64_t{std::bit_cast<int32_t>(v)}; };  // e^x >= 0
  int64_t off_by_one = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const auto want = static_cast<float>(std::exp(static_cast<double>(xs[i])));
    const int64_t ulps = std::abs(ordered(got[i]) - ordered(want));
    EXPECT_LE(ulps, 1) << "exp(" << xs[i] << ") = " << got[i] << ", not " << want;
    off_by_one += ulps;
  }
  // Off by one only where e^x is within 1e-14 of halfway between two floats.
  EXPECT_LE(off_by_one, static_cast<int64_t>(xs.size() / 100000)) << "of " << xs.size();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> special =
      exp(Tensor::from({0.0f, -0.0f, inf, -inf, std::numeric_limits<float>::quiet_NaN(), 200.0f, -200.0f})).to_vector();
  EXPECT_EQ(special[0], 1.0f);
  EXPECT_EQ(special[1], 1.0f);
  EXPECT_EQ(special[2], inf);
  EXPECT_EQ(special[3], 0.0f);
  EXPECT_TRUE(std::isnan(special[4]));
  EXPECT_EQ(special[5], inf);
  EXPECT_EQ(special[6], 0.0f);
}

TEST(Elementwise, SigmoidIsStableAtTheExtremes) {
  const Tensor s = sigmoid(Tensor::from({-200, -1, 0, 1, 200}));
  const std::vector<float> v = s.to_vector();
  EXPECT_EQ(v[0], 0.0f);
  EXPECT_FLOAT_EQ(v[1], 1.0f / (1.0f + std::exp(1.0f)));
  EXPECT_EQ(v[2], 0.5f);
  EXPECT_FLOAT_EQ(v[3], 1.0f / (1.0f + std::exp(-1.0f)));
  EXPECT_EQ(v[4], 1.0f);
}

TEST(Elementwise, SigmoidIsWithinTwoUlpOfTheExactValueEverywhere) {
  // 400001 evenly spaced points of [-100, 100] (the vectorised exp's whole range and both
  // saturations), against the float64 sigmoid rounded to float.
  std::vector<float> inputs;
  for (int i = -200000; i <= 200000; ++i) inputs.push_back(static_cast<float>(i) * 5e-4f);
  const std::vector<float> got = sigmoid(Tensor::from(inputs, {static_cast<int64_t>(inputs.size())})).to_vector();
  float worst_ulps = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const float exact = static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(inputs[i]))));
    if (exact < std::numeric_limits<float>::min()) {
      EXPECT_LT(got[i], 2 * std::numeric_limits<float>::min()) << "sigmoid(" << inputs[i] << ")";
      continue;
    }
    const float ulp = std::nextafter(exact, kInf) - exact;
    const float ulps = std::fabs(got[i] - exact) / ulp;
    EXPECT_LE(ulps, 2.0f) << "sigmoid(" << inputs[i] << ") = " << got[i] << ", exactly " << exact;
    worst_ulps = std::max(worst_ulps, ulps);
    if (ulps > 2.0f) break;
  }
  RecordProperty("worst_ulps", std::to_string(worst_ulps));
  const std::vector<float> special = sigmoid(Tensor::from({kNaN, -kInf, kInf, -88.0f, -87.0f})).to_vector();
  EXPECT_TRUE(std::isnan(special[0]));
  EXPECT_EQ(special[1], 0.0f);
  EXPECT_EQ(special[2], 1.0f);
  EXPECT_GE(special[4], special[3]);
}

TEST(Elementwise, NaNPropagatesLikePyTorch) {
  const Tensor n = Tensor::from({kNaN, 1});
  EXPECT_TRUE(std::isnan(relu(n).to_vector()[0]));
  EXPECT_TRUE(std::isnan(clamp(n, 0, 1).to_vector()[0]));
  EXPECT_TRUE(std::isnan(maximum(n, Tensor::from({0, 0})).to_vector()[0]));
  EXPECT_TRUE(std::isnan(minimum(Tensor::from({0, 0}), n).to_vector()[0]));
  expect_tensor(clamp(Tensor::from({-kInf, kInf}), -1, 1), {2}, {-1, 1});
  expect_tensor(clamp(Tensor::from({0, 5}), 3, 2), {2}, {2, 2});  // low > high gives high, as torch.clamp
}

TEST(Elementwise, Int64InputsAreDTypeErrorsNamingTheOp) {
  const Tensor labels = Tensor::from_int64({1, 2});
  expect_mentions(error_of<DTypeError>([&] { exp(labels); }), {"exp", "int64"});
  expect_mentions(error_of<DTypeError>([&] { add(labels, labels); }), {"add", "int64"});
  expect_mentions(error_of<DTypeError>([&] { mul(labels, 2.0f); }), {"mul", "int64"});
  expect_mentions(error_of<DTypeError>([&] { add(Tensor::ones({2}), labels); }), {"add", "int64"});
  EXPECT_THROW(relu(Tensor()), Error);
}

// ---- comparisons ---------------------------------------------------------------------------

TEST(Comparison, GiveFloatMasks) {
  const Tensor a = Tensor::from({1, 2, 3}), b = Tensor::from({2, 2, 2});
  expect_tensor(eq(a, b), {3}, {0, 1, 0});
  expect_tensor(ne(a, b), {3}, {1, 0, 1});
  expect_tensor(lt(a, b), {3}, {1, 0, 0});
  expect_tensor(le(a, b), {3}, {1, 1, 0});
  expect_tensor(gt(a, b), {3}, {0, 0, 1});
  expect_tensor(ge(a, b), {3}, {0, 1, 1});
  expect_tensor(eq(a, 2.0f), {3}, {0, 1, 0});
  expect_tensor(lt(a, 2.0f), {3}, {1, 0, 0});
  expect_tensor(gt(a, 2.0f), {3}, {0, 0, 1});
  EXPECT_EQ(eq(a, b).dtype(), DType::Float32);
}

TEST(Comparison, Int64LabelsCompareToGiveAccuracy) {
  const Tensor pred = Tensor::from_int64({0, 2, 1, 1}), target = Tensor::from_int64({0, 1, 1, 1});
  const Tensor hits = eq(pred, target);
  EXPECT_EQ(hits.dtype(), DType::Float32);
  EXPECT_EQ(mean(hits).item(), 0.75f);
  expect_tensor(eq(pred, 1.0f), {4}, {0, 0, 1, 1});
  expect_tensor(gt(pred.view({4, 1}), Tensor::from_int64({0, 1})), {4, 2}, {0, 0, 1, 1, 1, 0, 1, 0});
}

TEST(Comparison, MixedDTypesAreErrors) {
  expect_mentions(error_of<DTypeError>([] { eq(Tensor::from({1}), Tensor::from_int64({1})); }),
                  {"eq", "float32", "int64"});
}

TEST(Comparison, WhereBroadcastsAllThree) {
  const Tensor cond = Tensor::from({1, 0}).view({2, 1});  // [2, 1]
  expect_tensor(where(cond, Tensor::from({1, 2, 3}), Tensor::scalar(-1)), {2, 3}, {1, 2, 3, -1, -1, -1});
  expect_tensor(where(Tensor::from_int64({0, 5}), Tensor::ones({2}), Tensor::zeros({2})), {2}, {0, 1});
  EXPECT_THROW(where(cond, Tensor::from_int64({1}), Tensor::zeros({1})), DTypeError);
}

TEST(Comparison, AllcloseAndEqual) {
  const Tensor a = Tensor::from({1, 2});
  EXPECT_TRUE(allclose(a, Tensor::from({1.0f + 1e-6f, 2})));
  EXPECT_FALSE(allclose(a, Tensor::from({1.001f, 2})));
  EXPECT_TRUE(allclose(a, Tensor::from({1.001f, 2}), 1e-2f));
  EXPECT_FALSE(allclose(a, Tensor::from({{1, 2}})));  // shapes differ
  EXPECT_TRUE(allclose(Tensor::from({kInf}), Tensor::from({kInf})));
  EXPECT_FALSE(allclose(Tensor::from({kNaN}), Tensor::from({kNaN})));
  EXPECT_TRUE(equal(a, a.clone()));
  EXPECT_TRUE(equal(a.view({2, 1}).t(), Tensor::from({{1, 2}})));
  EXPECT_FALSE(equal(a, Tensor::from({1, 2.0000002f})));
  EXPECT_FALSE(equal(Tensor::from_int64({1, 2}), a));
  EXPECT_TRUE(equal(Tensor::zeros({0}), Tensor::zeros({0})));
}

// ---- in place --------------------------------------------------------------------------

TEST(InPlace, ArithmeticWithTensorsAndScalars) {
  Tensor t = Tensor::from({1, 2, 3});
  t.add_(Tensor::from({1, 1, 1}));
  expect_tensor(t, {3}, {2, 3, 4});
  t.add_(Tensor::from({1, 1, 1}), -2.0f);
  expect_tensor(t, {3}, {0, 1, 2});
  t.sub_(Tensor::from({1, 1, 1})).mul_(Tensor::from({2, 2, 2})).div_(Tensor::from({1, 2, 4}));
  expect_tensor(t, {3}, {-2, 0, 0.5f});
  t += 1.0f;
  t *= 4.0f;
  t -= 2.0f;
  t /= 2.0f;
  expect_tensor(t, {3}, {-3, 1, 2});
  t.clamp_(-1, 1);
  expect_tensor(t, {3}, {-1, 1, 1});
}

TEST(InPlace, OtherBroadcastsToThisShape) {
  Tensor m = Tensor::zeros({2, 3});
  m += Tensor::from({1, 2, 3});
  m *= Tensor::from({1, 10}).view({2, 1});
  m -= Tensor::scalar(1);
  expect_tensor(m, {2, 3}, {0, 1, 2, 9, 19, 29});
}

TEST(InPlace, ResultThatWouldGrowIsAShapeError) {
  Tensor row = Tensor::zeros({3});
  const std::string msg = error_of<ShapeError>([&] { row.add_(Tensor::zeros({2, 3})); });
  expect_mentions(msg, {"add_", "[2, 3]", "[3]"});
  expect_mentions(error_of<ShapeError>([&] { row.mul_(Tensor::zeros({4})); }), {"mul_", "[3]", "[4]"});
}

TEST(InPlace, WritesThroughNonContiguousViews) {
  Tensor m = Tensor::zeros({3, 4});
  Tensor col = m.narrow(1, 1, 1);  // [3, 1], stride 4
  col.add_(Tensor::from({1, 2, 3}).view({3, 1}));
  Tensor tt = m.t();               // [4, 3]
  tt.mul_(2.0f);
  tt.add_(Tensor::from({0, 0, 100}));
  expect_tensor(m, {3, 4}, {0, 2, 0, 0, 0, 4, 0, 0, 100, 106, 100, 100});
}

TEST(InPlace, OverlappingOtherReadsTheOriginalValues) {
  Tensor m = Tensor::arange(4).view({2, 2});
  m.add_(m.t());  // reads from a copy, so the result is m + m^T as in PyTorch
  expect_tensor(m, {2, 2}, {0, 3, 3, 6});
  Tensor v = Tensor::from({1, 2});
  v.mul_(v);
  expect_tensor(v, {2}, {1, 4});
  Tensor r = Tensor::from({1, 2, 3, 4});
  Tensor tail = r.narrow(0, 1, 3);
  tail.add_(r.narrow(0, 0, 3));  // each element adds its original left neighbour
  expect_tensor(r, {4}, {1, 3, 5, 7});
}

TEST(InPlace, ExpandedViewsCannotBeWritten) {
  Tensor e = Tensor::zeros({3}).expand({2, 3});
  expect_mentions(error_of<ValueError>([&] { e.add_(1.0f); }), {"add_", "[2, 3]", "expanded", "clone"});
}

TEST(InPlace, Int64IsADTypeError) {
  Tensor labels = Tensor::from_int64({1});
  expect_mentions(error_of<DTypeError>([&] { labels.mul_(2.0f); }), {"mul_", "int64"});
}

TEST(InPlace, LargeTensorsAndViewsMatchOutOfPlace) {
  Generator gen(3);
  const Tensor a = Tensor::normal({400, 300}, 0, 1, gen), b = Tensor::normal({300}, 0, 1, gen);
  Tensor x = a.clone();
  x.add_(b, 0.5f);
  EXPECT_EQ(x.to_vector(), (a + b * 0.5f).to_vector());
  Tensor y = a.clone();
  Tensor yt = y.t();
  yt.mul_(3.0f);
  EXPECT_EQ(y.to_vector(), (a * 3.0f).to_vector());
}
