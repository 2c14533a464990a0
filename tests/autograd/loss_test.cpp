// Losses: values, gradients and input checking.
#include <gtest/gtest.h>

#include "minidl/autograd.hpp"

using namespace minidl;

TEST(Loss, cross_entropy_is_stable_for_huge_logits) {
  Variable logits(Tensor::from({{1000.0f, 0.0f}, {0.0f, -1000.0f}}), true);
  Variable l = cross_entropy(logits, Tensor::from_int64({1, 0}));
  EXPECT_NEAR(l.item(), 500.0f, 1e-3);
  l.backward();
  EXPECT_NEAR(logits.grad().at({0, 0}), 0.5f, 1e-6);
  EXPECT_NEAR(logits.grad().at({0, 1}), -0.5f, 1e-6);
}

TEST(Loss, cross_entropy_rejects_out_of_range_classes) {
  Variable logits(Tensor::zeros({2, 3}));
  try {
    cross_entropy(logits, Tensor::from_int64({0, 3}));
    FAIL();
  } catch (const IndexError& e) {
    EXPECT_NE(std::string(e.what()).find("target 3"), std::string::npos) << e.what();
  }
  EXPECT_THROW(cross_entropy(logits, Tensor::from({0.0f, 1.0f})), DTypeError);
  EXPECT_THROW(cross_entropy(logits, Tensor::from_int64({0})), ShapeError);
}

TEST(Loss, mse_reductions) {
  Variable x(Tensor::from({1, 2, 3}));
  Variable t(Tensor::from({1, 0, 0}));
  EXPECT_FLOAT_EQ(mse_loss(x, t).item(), 13.0f / 3);
  EXPECT_FLOAT_EQ(mse_loss(x, t, Reduction::Sum).item(), 13.0f);
  EXPECT_EQ(mse_loss(x, t, Reduction::None).data().to_vector(), (std::vector<float>{0, 4, 9}));
  EXPECT_THROW(mse_loss(x, Variable(Tensor::zeros({2}))), ShapeError);
}

TEST(Loss, bce_with_logits_is_stable) {
  Variable x(Tensor::from({100.0f, -100.0f}), true);
  Variable t(Tensor::from({0.0f, 1.0f}));
  Variable l = binary_cross_entropy_with_logits(x, t, Reduction::Sum);
  EXPECT_NEAR(l.item(), 200.0f, 1e-3);
}

TEST(Loss, reduction_names_parse) {
  EXPECT_EQ(parse_reduction("sum"), Reduction::Sum);
  EXPECT_THROW(parse_reduction("avg"), ValueError);
}
