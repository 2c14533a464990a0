// The backward engine: topological order, accumulation, graph freeing, NoGradGuard.
#include <gtest/gtest.h>

#include <cmath>

#include "minidl/autograd.hpp"

using namespace minidl;

TEST(Backward, a_value_used_twice_gets_both_gradients) {
  Variable x(Tensor::from({3.0f}), true);
  Variable y = x * x + x;  // dy/dx = 2x + 1
  y.backward();
  EXPECT_FLOAT_EQ(x.grad().item(), 7.0f);
}

TEST(Backward, a_diamond_runs_each_node_once) {
  Variable x(Tensor::from({2.0f}), true);
  Variable a = x * 3.0f;
  Variable y = a * a + a;  // a is shared by two consumers
  y.backward();
  // dy/dx = (2a + 1) * 3 with a = 6
  EXPECT_FLOAT_EQ(x.grad().item(), 39.0f);
}

TEST(Backward, non_scalar_outputs_need_an_explicit_gradient) {
  Variable x(Tensor::from({1, 2}), true);
  Variable y = x * 2.0f;
  EXPECT_THROW(y.backward(), ShapeError);
  y.backward(Tensor::from({1, 10}));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{2, 20}));
}

TEST(Backward, the_graph_is_freed_unless_retained) {
  Variable x(Tensor::from({1.0f}), true);
  Variable y = exp(x) * 2.0f;
  y.backward(/*retain_graph=*/true);
  y.backward();
  EXPECT_NEAR(x.grad().item(), 4 * std::exp(1.0f), 1e-5);
  try {
    y.backward();
    FAIL() << "a second backward through a freed graph must throw";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("second time"), std::string::npos) << e.what();
  }
}

TEST(Backward, no_grad_guard_records_nothing_and_nests) {
  Variable x(Tensor::from({1.0f}), true);
  {
    NoGradGuard outer;
    {
      NoGradGuard inner;
    }
    EXPECT_FALSE(grad_enabled());
    Variable y = x * 2.0f;
    EXPECT_FALSE(y.requires_grad());
  }
  EXPECT_TRUE(grad_enabled());
}

TEST(Backward, changing_a_saved_value_in_place_is_reported) {
  Variable x(Tensor::from({1.0f, 2.0f}), true);
  Variable w(Tensor::from({3.0f, 4.0f}), true);
  Variable y = sum(x * w);  // saves x and w
  {
    NoGradGuard no_grad;
    w -= Tensor::from({1.0f, 1.0f});
  }
  try {
    y.backward();
    FAIL() << "backward must notice that w changed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("modified in place"), std::string::npos) << e.what();
  }
}

TEST(Backward, a_value_that_needs_no_grad_cannot_backward) {
  Variable x(Tensor::from({1.0f}));
  EXPECT_THROW(sum(x * 2.0f).backward(), Error);
}

TEST(Backward, gradients_sum_back_over_broadcast_dims) {
  Variable a(Tensor::ones({4, 3}), true);
  Variable b(Tensor::from({1, 2, 3}), true);
  sum(a * b).backward();
  EXPECT_EQ(b.grad().shape(), Shape({3}));
  EXPECT_EQ(b.grad().to_vector(), (std::vector<float>{4, 4, 4}));
  EXPECT_EQ(a.grad().at({3, 2}), 3.0f);
}

TEST(Backward, a_gradient_given_by_the_caller_is_not_modified) {
  Variable x(Tensor::from({1, 2}), true);
  Tensor g = Tensor::from({1, 1});
  (x + x).backward(g);
  EXPECT_EQ(g.to_vector(), (std::vector<float>{1, 1}));
  EXPECT_EQ(x.grad().to_vector(), (std::vector<float>{2, 2}));
}

// Grad-ready hooks: how data-parallel training learns that a parameter's gradient can be sent.
TEST(GradReadyHook, fires_once_per_backward_with_every_contribution_added) {
  Variable w(Tensor::from({2.0f}), true);
  Variable x(Tensor::from({3.0f}), true);
  std::vector<float> seen;
  w.add_grad_ready_hook([&](const Tensor& grad) { seen.push_back(grad.item()); });
  Variable y = (w * x) * w + w * 5.0f;  // w used three times: dy/dw = 2wx + 5 = 17
  y.backward();
  EXPECT_EQ(seen, (std::vector<float>{17.0f}));
  EXPECT_FLOAT_EQ(w.grad().item(), 17.0f);
}

TEST(GradReadyHook, fires_before_the_rest_of_backward_runs) {
  // x feeds the first op, w only the last: w's gradient is final while x's is still to come.
  Variable x(Tensor::from({1.0f}), true);
  Variable w(Tensor::from({4.0f}), true);
  bool x_had_grad = true;
  w.add_grad_ready_hook([&](const Tensor&) { x_had_grad = x.grad().defined(); });
  (exp(x * 2.0f) * w).backward();
  EXPECT_FALSE(x_had_grad);
  EXPECT_TRUE(x.grad().defined());
}

TEST(GradReadyHook, each_backward_reports_the_accumulated_gradient) {
  Variable w(Tensor::from({1.0f, 2.0f}), true);
  std::vector<std::vector<float>> seen;
  w.add_grad_ready_hook([&](const Tensor& grad) { seen.push_back(grad.to_vector()); });
  sum(w * 3.0f).backward();
  sum(w * w).backward();  // adds 2w to the 3 already there
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], (std::vector<float>{3, 3}));
  EXPECT_EQ(seen[1], (std::vector<float>{5, 7}));
}

TEST(GradReadyHook, a_leaf_the_backward_does_not_reach_is_not_reported) {
  Variable used(Tensor::from({1.0f}), true);
  Variable unused(Tensor::from({1.0f}), true);
  Variable constant(Tensor::from({1.0f}));
  int calls = 0;
  unused.add_grad_ready_hook([&](const Tensor&) { ++calls; });
  (used * constant).backward();
  EXPECT_EQ(calls, 0);
  EXPECT_FALSE(unused.grad().defined());
}

TEST(GradReadyHook, a_leaf_that_is_the_output_itself_is_reported) {
  Variable w(Tensor::from({1.0f}), true);
  int calls = 0;
  w.add_grad_ready_hook([&](const Tensor& grad) { calls += static_cast<int>(grad.item()); });
  w.backward();
  EXPECT_EQ(calls, 1);
}

TEST(GradReadyHook, a_removed_hook_is_not_called_and_non_leaves_have_none) {
  Variable w(Tensor::from({1.0f}), true);
  int calls = 0;
  const uint64_t id = w.add_grad_ready_hook([&](const Tensor&) { ++calls; });
  w.remove_grad_ready_hook(id);
  (w * 2.0f).backward();
  EXPECT_EQ(calls, 0);
  Variable y = w * 2.0f;
  EXPECT_THROW(y.add_grad_ready_hook([](const Tensor&) {}), Error);
}

TEST(GradReadyHook, a_failed_backward_leaves_no_count_behind) {
  // The second backward through a freed graph throws; a later backward still reports once.
  Variable w(Tensor::from({2.0f}), true);
  int calls = 0;
  w.add_grad_ready_hook([&](const Tensor&) { ++calls; });
  Variable y = exp(w) * w;
  y.backward();
  EXPECT_THROW(y.backward(), Error);
  (w * 3.0f).backward();
  EXPECT_EQ(calls, 2);
}
