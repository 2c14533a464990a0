// Linear: forward and backward against the autograd ops, PyTorch's default initialisation.
#include "minidl/nn/linear.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "minidl/autograd/gradcheck.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/core/matmul.hpp"
#include "minidl/core/reduction.hpp"
#include "minidl/nn/random.hpp"

namespace minidl::nn {
namespace {

Linear linear_2to3() {
  Linear lin(2, 3);
  lin.load_state_dict({{"weight", Tensor::from({{1, 2}, {3, 4}, {5, 6}})},
                       {"bias", Tensor::from({0.5f, -0.5f, 0.25f})}});
  return lin;
}

TEST(Linear, StoresWeightAsOutByInAndBiasAsOut) {
  Linear lin(64, 128);
  EXPECT_EQ(lin.weight().shape(), (Shape{128, 64}));
  EXPECT_EQ(lin.bias().shape(), (Shape{128}));
  EXPECT_EQ(lin.describe(), "Linear(in_features=64, out_features=128, bias=True)");
}

TEST(Linear, ForwardIsXTimesWeightTransposedPlusBias) {
  Linear lin = linear_2to3();
  Variable y = lin(Tensor::from({{1, 1}, {0, -1}}));
  EXPECT_EQ(y.data().to_vector(), (std::vector<float>{3.5f, 6.5f, 11.25f, -1.5f, -4.5f, -5.75f}));
}

TEST(Linear, ForwardAndBackwardMatchTheAutogradOps) {
  Generator gen(3);
  Linear lin(5, 4, true, gen);
  Tensor x_value = Tensor::normal({6, 5}, 0, 1, gen);
  Tensor g = Tensor::normal({6, 4}, 0, 1, gen);

  Variable x1(x_value, true);
  Variable y1 = lin(x1);
  y1.backward(g);

  Variable x2(x_value.clone(), true), w2(lin.weight().data().clone(), true), b2(lin.bias().data().clone(), true);
  Variable y2 = matmul(x2, transpose(w2, 0, 1)) + b2;
  y2.backward(g);

  EXPECT_TRUE(allclose(y1.data(), y2.data(), 1e-5f, 1e-6f));
  EXPECT_TRUE(allclose(x1.grad(), x2.grad(), 1e-5f, 1e-6f));
  EXPECT_TRUE(allclose(lin.weight().grad(), w2.grad(), 1e-5f, 1e-6f));
  EXPECT_TRUE(allclose(lin.bias().grad(), b2.grad(), 1e-5f, 1e-6f));
}

TEST(Linear, GradientsPassGradcheck) {
  Generator gen(4);
  Linear lin(3, 2, true, gen);
  auto f = [&](const std::vector<Variable>& in) { return lin(in[0]); };
  GradcheckResult r = gradcheck(f, {Variable(Tensor::normal({4, 3}, 0, 1, gen), true)});
  EXPECT_TRUE(r.ok) << r.message;
}

TEST(Linear, AppliesToTheLastDimOfAnyRank) {
  Linear lin = linear_2to3();
  Generator gen(5);
  Tensor x = Tensor::normal({2, 4, 2}, 0, 1, gen);
  Variable y = lin(x);
  ASSERT_EQ(y.shape(), (Shape{2, 4, 3}));
  EXPECT_TRUE(allclose(y.data()[1], lin(x[1]).data()));
  EXPECT_EQ(lin(Tensor::from({1, 1})).data().to_vector(), (std::vector<float>{3.5f, 6.5f, 11.25f}));
}

TEST(Linear, RejectsAnInputOfTheWrongWidth) {
  Linear lin(64, 10);
  try {
    lin(Tensor::zeros({32, 63}));
    FAIL() << "expected ShapeError";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[32, 63]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("64"), std::string::npos) << e.what();
  }
}

TEST(Linear, WithoutBiasHasOnlyAWeight) {
  Linear lin(3, 2, /*bias=*/false);
  EXPECT_FALSE(lin.bias().defined());
  EXPECT_EQ(lin.state_dict().names(), std::vector<std::string>{"weight"});
  EXPECT_EQ(lin(Tensor::zeros({1, 3})).data().to_vector(), (std::vector<float>{0, 0}));
}

// kaiming_uniform(a = sqrt(5)) gives bound sqrt(3) * sqrt(2 / (1 + 5)) / sqrt(in) = 1 / sqrt(in).
TEST(Linear, DefaultInitIsUniformWithinOneOverSqrtInFeatures) {
  Generator gen(6);
  Linear lin(400, 300, true, gen);
  const float bound = 1.0f / 20.0f;
  for (const Variable* p : {&lin.weight(), &lin.bias()}) {
    const Tensor& v = p->data();
    EXPECT_LE(max(v).item(), bound);
    EXPECT_GE(min(v).item(), -bound);
  }
  const Tensor& w = lin.weight().data();
  EXPECT_GT(max(w).item(), 0.99f * bound);
  EXPECT_LT(min(w).item(), -0.99f * bound);
  // 120000 draws: the mean's standard error is bound / sqrt(3 * 120000) ~ 8e-5.
  EXPECT_NEAR(mean(w).item(), 0.0f, 5 * 8e-5f);
  const float std = std::sqrt(mean(w * w).item());
  EXPECT_NEAR(std, bound / std::sqrt(3.0f), 0.01f * bound);
}

TEST(Linear, TheSameSeedBuildsTheSameWeights) {
  Generator a(9), b(9);
  EXPECT_TRUE(equal(Linear(8, 4, true, a).weight().data(), Linear(8, 4, true, b).weight().data()));
  manual_seed(11);
  Tensor first = Linear(8, 4).weight().data();
  manual_seed(11);
  EXPECT_TRUE(equal(first, Linear(8, 4).weight().data()));
  EXPECT_FALSE(equal(first, Linear(8, 4).weight().data()));
}

}  // namespace
}  // namespace minidl::nn
