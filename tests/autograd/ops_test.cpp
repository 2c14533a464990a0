// Ops against hand-derived gradients.
#include <gtest/gtest.h>

#include "minidl/autograd.hpp"

using namespace minidl;

TEST(Ops, matmul_gradients_are_g_bT_and_aT_g) {
  Variable a(Tensor::from({{1, 2}, {3, 4}}), true);
  Variable b(Tensor::from({5, 6}).reshape({2, 1}), true);
  sum(matmul(a, b)).backward();
  EXPECT_EQ(a.grad().to_vector(), (std::vector<float>{5, 6, 5, 6}));
  EXPECT_EQ(b.grad().to_vector(), (std::vector<float>{4, 6}));
}

TEST(Ops, linear_is_x_wT_plus_b) {
  Variable x(Tensor::from({{1, 2}}), true);
  Variable w(Tensor::from({{1, 0}, {0, 1}, {1, 1}}), true);
  Variable b(Tensor::from({0.5f, -0.5f, 0.0f}), true);
  Variable y = linear(x, w, b);
  EXPECT_EQ(y.data().to_vector(), (std::vector<float>{1.5f, 1.5f, 3.0f}));
  sum(y).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{2, 2}));
  EXPECT_EQ(w.grad().to_vector(), (std::vector<float>{1, 2, 1, 2, 1, 2}));
  EXPECT_EQ(b.grad().to_vector(), (std::vector<float>{1, 1, 1}));
}

TEST(Ops, linear_without_bias) {
  Variable x(Tensor::from({{1, 2}}), true);
  Variable w(Tensor::from({{3, 4}}), true);
  Variable y = linear(x, w);
  EXPECT_EQ(y.item(), 11.0f);
  y.backward();
  EXPECT_EQ(w.grad().to_vector(), (std::vector<float>{1, 2}));
}

TEST(Ops, linear_rejects_mismatched_weight_naming_both_shapes) {
  Variable x(Tensor::zeros({2, 3}));
  Variable w(Tensor::zeros({4, 5}));
  try {
    linear(x, w);
    FAIL();
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 3]"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("[4, 5]"), std::string::npos);
  }
}

TEST(Ops, relu_passes_gradient_where_positive) {
  Variable x(Tensor::from({-1.0f, 2.0f}), true);
  sum(relu(x)).backward();
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{0, 1}));
}

TEST(Ops, mean_over_a_dim_divides_the_gradient) {
  Variable x(Tensor::ones({2, 4}), true);
  sum(mean(x, 1)).backward();
  EXPECT_EQ(x.grad().to_vector(), std::vector<float>(8, 0.25f));
}

TEST(Ops, reshape_and_transpose_route_gradients_back) {
  Variable x(Tensor::arange(6).reshape({2, 3}), true);
  Variable y = transpose(reshape(x, {3, 2}), 0, 1);
  y.backward(Tensor::arange(6).reshape({2, 3}));
  // y[i][j] = r[j][i] where r = x viewed as [3, 2]; so the gradient of r[j][i] is g[i][j]
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{0, 3, 1, 4, 2, 5}));
}
