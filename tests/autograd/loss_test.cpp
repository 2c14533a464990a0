// Losses: values, gradients and input checking.
#include <gtest/gtest.h>

#include "../core/float64_reference.hpp"
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
    EXPECT_NE(std::string(e.what()).find("target[1] = 3"), std::string::npos) << "names the entry: " << e.what();
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

// One node that goes straight to both inputs, as PyTorch's MseLossBackward: a training step
// of a regression pays for one node, not a chain of sub, pow and mean.
TEST(Loss, mse_is_one_node_with_the_chain_rule_gradients) {
  Variable x(Tensor::from({1, 2, 3}), true);
  Variable t(Tensor::from({1, 0, 0.5f}), true);
  for (const Reduction r : {Reduction::Mean, Reduction::Sum, Reduction::None}) {
    x.zero_grad();
    t.zero_grad();
    const Variable loss = mse_loss(x, t, r);
    ASSERT_NE(loss.grad_fn(), nullptr);
    EXPECT_STREQ(loss.grad_fn()->name(), "MseLoss");
    for (const int input : {0, 1}) {
      ASSERT_NE(loss.grad_fn()->inputs[input], nullptr);
      EXPECT_EQ(loss.grad_fn()->inputs[input]->grad_fn, nullptr) << "no node between a leaf and the loss";
    }
    if (r == Reduction::None) loss.backward(Tensor::from({1, 2, 3}));
    else loss.backward();
    // d/dx (x - t)^2 = 2 (x - t), times 1/3 (mean), 1 (sum) or the output gradient (none).
    const std::vector<float> expected = r == Reduction::Mean  ? std::vector<float>{0, 4.0f / 3, 5.0f / 3}
                                        : r == Reduction::Sum ? std::vector<float>{0, 4, 5}
                                                              : std::vector<float>{0, 8, 15};
    const std::vector<float> got = x.grad().to_vector(), target_got = t.grad().to_vector();
    for (size_t i = 0; i < expected.size(); ++i) {
      EXPECT_FLOAT_EQ(got[i], expected[i]) << reduction_name(r) << " " << i;
      EXPECT_FLOAT_EQ(target_got[i], -expected[i]) << reduction_name(r) << " " << i;
    }
  }
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

// Large logits (|x| ~ 10, 100, 1e4) against float64: each per-sample loss within an ulp of
// the exact value plus 6e-8 (as log_softmax), never an ulp of the logits (8e-6 at 100).
TEST(Loss, cross_entropy_matches_float64_at_large_logits) {
  for (float m : {10.0f, 100.0f, 1e4f}) {
    const Tensor x = minidl::test::logits_of_magnitude(m);
    const int64_t rows = x.size(0), cols = x.size(1);
    std::vector<int64_t> labels;
    for (int64_t i = 0; i < rows; ++i) labels.push_back((i * 7) % cols);
    const std::vector<double> logp = minidl::test::log_softmax_rows_f64(x);
    std::vector<double> want_loss, want_grad;
    for (int64_t i = 0; i < rows; ++i) {
      want_loss.push_back(-logp[static_cast<size_t>(i * cols + labels[static_cast<size_t>(i)])]);
      for (int64_t j = 0; j < cols; ++j)
        want_grad.push_back(std::exp(logp[static_cast<size_t>(i * cols + j)]) - (j == labels[static_cast<size_t>(i)]));
    }
    const std::string what = " at magnitude " + std::to_string(m);
    Variable logits(x, true);
    const Tensor target = Tensor::from_int64(labels, {rows});
    minidl::test::expect_near_f64(cross_entropy(logits, target, Reduction::None).data().to_vector(), want_loss, 1, 6e-8,
                                  "cross_entropy" + what);
    cross_entropy(logits, target, Reduction::Sum).backward();
    // softmax - onehot: a probability near 1 carries an ulp of 1 (1.2e-7) into p - 1.
    minidl::test::expect_near_f64(logits.grad().to_vector(), want_grad, 2, 1.2e-7, "cross_entropy gradient" + what);
  }
}

TEST(Loss, bce_with_logits_matches_float64_at_large_logits) {
  for (float m : {10.0f, 100.0f, 1e4f}) {
    const Tensor x = minidl::test::logits_of_magnitude(m);
    // Targets near 1, where max(x, 0) and x t nearly cancel for x > 0: rounding x t to float
    // would put an ulp of x into a loss of x (1 - t).
    Generator gen(3);
    const Tensor t = Tensor::uniform(x.shape(), 0.95f, 1, gen);
    const std::vector<float> xv = x.to_vector(), tv = t.to_vector();
    std::vector<double> want_loss, want_grad;
    for (size_t i = 0; i < xv.size(); ++i) {
      const double xi = xv[i], ti = tv[i];
      want_loss.push_back(std::max(xi, 0.0) - xi * ti + std::log1p(std::exp(-std::fabs(xi))));
      want_grad.push_back(1 / (1 + std::exp(-xi)) - ti);
    }
    const std::string what = " at magnitude " + std::to_string(m);
    Variable logits(x, true);
    minidl::test::expect_near_f64(
        binary_cross_entropy_with_logits(logits, Variable(t), Reduction::None).data().to_vector(), want_loss, 1, 1e-7,
        "bce_with_logits" + what);
    binary_cross_entropy_with_logits(logits, Variable(t), Reduction::Sum).backward();
    // sigmoid(x) - t: a float sigmoid near 1 carries an ulp of 1 (1.2e-7).
    minidl::test::expect_near_f64(logits.grad().to_vector(), want_grad, 2, 1.2e-7, "bce_with_logits gradient" + what);
  }
}
