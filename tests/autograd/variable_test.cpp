// Variables: leaves, gradients, requires_grad, detach, in-place rules.
#include <gtest/gtest.h>

#include "minidl/autograd.hpp"

using namespace minidl;

TEST(Variable, a_tensor_becomes_a_leaf_that_needs_no_grad) {
  Variable x(Tensor::from({1, 2, 3}));
  EXPECT_TRUE(x.is_leaf());
  EXPECT_FALSE(x.requires_grad());
  EXPECT_FALSE(x.grad().defined());
}

TEST(Variable, gradients_of_a_leaf_accumulate_across_backward_calls) {
  Variable w(Tensor::from({1, 2}), true);
  sum(w * 3.0f).backward();
  sum(w * 3.0f).backward();
  EXPECT_EQ(w.grad().to_vector(), (std::vector<float>{6, 6}));
  w.zero_grad();
  EXPECT_EQ(w.grad().to_vector(), (std::vector<float>{0, 0}));
}

TEST(Variable, detach_shares_the_value_but_leaves_the_graph) {
  Variable w(Tensor::from({1, 2}), true);
  Variable y = w * 2.0f;
  Variable d = y.detach();
  EXPECT_FALSE(d.requires_grad());
  EXPECT_TRUE(d.is_leaf());
  EXPECT_TRUE(d.data().shares_storage(y.data()));
}

TEST(Variable, only_float_values_can_require_grad) {
  EXPECT_THROW(Variable(Tensor::from_int64({1, 2}), true), DTypeError);
}

TEST(Variable, in_place_update_of_a_leaf_needs_no_grad_mode) {
  Variable w(Tensor::from({1, 2}), true);
  EXPECT_THROW(w -= Tensor::from({1, 1}), Error);
  {
    NoGradGuard no_grad;
    w -= Tensor::from({1, 1});
  }
  EXPECT_EQ(w.data().to_vector(), (std::vector<float>{0, 1}));
}

TEST(Variable, requires_grad_can_be_switched_on_a_leaf_only) {
  Variable w(Tensor::from({1.0f}));
  w.requires_grad_();
  EXPECT_TRUE(w.requires_grad());
  Variable y = w * 2.0f;
  EXPECT_THROW(y.requires_grad_(false), Error);
}

TEST(Variable, prints_value_and_grad_fn_like_pytorch) {
  Variable w(Tensor::from({1.5f}), true);
  std::ostringstream a, b;
  a << w;
  b << w * 2.0f;
  EXPECT_EQ(a.str(), "tensor([1.5000], requires_grad=True)");
  EXPECT_EQ(b.str(), "tensor([3.], grad_fn=<MulScalarBackward>)");
}
