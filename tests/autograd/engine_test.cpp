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
