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

TEST(Ops, sum_and_mean_over_several_dims_reduce_each_once) {
  Variable x(Tensor::ones({2, 3, 4}), true);
  Variable m = mean(x, {0, -1});
  EXPECT_EQ(to_string(m.shape()), "[3]");
  EXPECT_EQ(to_string(sum(x, {2, 0}, /*keepdim=*/true).shape()), "[1, 3, 1]");
  EXPECT_EQ(sum(x, std::vector<int64_t>{}).item(), 24.0f);  // no dims: all of them, as torch.sum(x, dim=[])
  sum(m).backward();
  EXPECT_EQ(x.grad().to_vector(), std::vector<float>(24, 0.125f));
  EXPECT_THROW(sum(x, {1, -2}), ValueError);  // dim 1 twice
  EXPECT_THROW(mean(x, {3}), IndexError);
}

TEST(Ops, gather_and_index_select_send_no_gradient_to_their_indices) {
  Variable p(Tensor::from({{0.1f, 0.7f, 0.2f}, {0.5f, 0.25f, 0.25f}}), true);
  const Tensor labels = Tensor::from_int64({1, 0}).reshape({2, 1});
  sum(-log(gather(p, 1, labels))).backward();
  EXPECT_NEAR(p.grad().at({0, 1}), -1.0f / 0.7f, 1e-5f);
  EXPECT_NEAR(p.grad().at({1, 0}), -2.0f, 1e-5f);
  EXPECT_EQ(p.grad().at({0, 0}), 0.0f);
  Variable table(Tensor::zeros({4, 2}), true);
  sum(index_select(table, 0, Tensor::from_int64({3, 3, 1}))).backward();  // an embedding lookup
  EXPECT_EQ(table.grad().to_vector(), (std::vector<float>{0, 0, 1, 1, 0, 0, 2, 2}));
}

TEST(Ops, cat_hands_each_of_many_parts_its_slice_of_the_gradient) {
  std::vector<Variable> steps;  // an RNN's outputs, more parts than a node has inputs
  for (int t = 0; t < 7; ++t) steps.emplace_back(Tensor::full({1, 2}, static_cast<float>(t)), t != 3);
  Variable outputs = cat(steps, 0);
  EXPECT_EQ(to_string(outputs.shape()), "[7, 2]");
  outputs.backward(Tensor::arange(14).reshape({7, 2}));
  for (int t = 0; t < 7; ++t) {
    if (t == 3) {
      EXPECT_FALSE(steps[3].grad().defined());
      continue;
    }
    EXPECT_EQ(steps[t].grad().to_vector(), (std::vector<float>{2.0f * t, 2.0f * t + 1})) << t;
  }
  Variable stacked = stack({steps[0], steps[1]}, -1);
  EXPECT_EQ(to_string(stacked.shape()), "[1, 2, 2]");
}

TEST(Ops, cat_names_the_part_that_does_not_fit_and_leaves_tensor_lists_to_core) {
  const Variable a(Tensor::zeros({2, 3}), true), b(Tensor::zeros({3, 3}), true);
  try {
    cat({a, a, a, b}, 1);
    ADD_FAILURE() << "no error";
  } catch (const ShapeError& e) {
    EXPECT_NE(std::string(e.what()).find("tensor 3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(stack({a, b}), ShapeError);
  static_assert(std::is_same_v<decltype(cat({Tensor::zeros({1}), Tensor::zeros({1})})), Tensor>);
  static_assert(std::is_same_v<decltype(cat({a, b})), Variable>);
}

TEST(Ops, an_index_changed_in_place_before_backward_is_reported) {
  Variable p(Tensor::from({{0.1f, 0.9f}, {0.5f, 0.5f}}), true);
  Tensor labels = Tensor::from_int64({1, 0}).reshape({2, 1});
  Variable picked = sum(gather(p, 1, labels));
  labels.fill_(0);  // the gradient would land in the wrong columns
  try {
    picked.backward();
    FAIL() << "backward must notice that the index changed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("modified in place"), std::string::npos) << e.what();
  }
}

TEST(Ops, views_of_a_part_send_the_gradient_to_that_part_only) {
  Variable X(Tensor::arange(24).reshape({4, 2, 3}), true);  // [time, batch, features]
  Variable last_step = select(X, 0, -1);                      // X[-1]
  Variable middle = narrow(X, 2, 1, 1);                        // X[:, :, 1:2]
  Variable rearranged = permute(unsqueeze(squeeze(middle, 2), 0), {1, 0, 2});  // [4, 1, 2]
  (sum(last_step) * 2.0f + sum(middle) + sum(rearranged)).backward();
  // select: 2 on each element of the last time step; narrow, used twice: 1 + 1 on feature 1.
  const Tensor& g = X.grad();
  EXPECT_EQ(to_string(rearranged.shape()), "[4, 1, 2]");
  EXPECT_EQ(g.at({0, 0, 0}), 0.0f);
  EXPECT_EQ(g.at({3, 1, 2}), 2.0f);
  EXPECT_EQ(g.at({0, 0, 1}), 2.0f);
  EXPECT_EQ(g.at({3, 0, 1}), 4.0f);
  EXPECT_THROW(select(X, 0, 4), IndexError);
  EXPECT_THROW(narrow(X, 1, 1, 2), Error);
  EXPECT_THROW(permute(X, {0, 0, 1}), Error);
}

TEST(Ops, leaky_relu_gradient_is_g_where_x_is_positive_and_g_times_the_slope_elsewhere) {
  // As torch's leaky_relu_backward, for any slope: (1 - s) + s is not 1 in float for s = -3.4050963.
  for (const float slope : {0.01f, -3.4050963f}) {
    Variable x(Tensor::from({-2.0f, -0.0f, 0.5f, 3.0f}), true);
    leaky_relu(x, slope).backward(Tensor::from({0.3f, 0.7f, 0.9f, 1.1f}));
    EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{0.3f * slope, 0.7f * slope, 0.9f, 1.1f})) << "slope " << slope;
  }
}

TEST(Ops, tanh_gradient_is_g_times_one_minus_the_output_squared) {
  Variable x(Tensor::from({-1.5f, 0.0f, 0.25f, 4.0f}), true);
  const Variable y = tanh(x);
  y.backward(Tensor::from({0.5f, 1.0f, 2.0f, 3.0f}));
  const std::vector<float> t = y.data().to_vector(), g{0.5f, 1.0f, 2.0f, 3.0f};
  for (size_t i = 0; i < t.size(); ++i) EXPECT_EQ(x.grad().to_vector()[i], g[i] * (1.0f - t[i] * t[i]));
}
