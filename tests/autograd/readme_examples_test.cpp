// The README's autograd examples, compiled and run: d2l's linear and softmax regressions from scratch.
#include <gtest/gtest.h>

#include "minidl/autograd.hpp"

using namespace minidl;

TEST(ReadmeExamples, d2l_linear_regression_from_scratch_recovers_w_and_b) {
  Generator gen(42);
  const Tensor true_w = Tensor::from({2.0f, -3.4f}).reshape({2, 1});
  const float true_b = 4.2f;
  const Tensor X = Tensor::normal({1000, 2}, 0, 1, gen);
  const Tensor y = matmul(X, true_w) + true_b + Tensor::normal({1000, 1}, 0, 0.01f, gen);

  Variable w(Tensor::normal({2, 1}, 0.0f, 0.01f, gen), /*requires_grad=*/true);
  Variable b(Tensor::zeros({1}), true);
  const float lr = 0.03f;
  const int64_t batch_size = 10;
  for (int epoch = 0; epoch < 3; ++epoch) {
    const Tensor order = Tensor::randperm(1000, gen);
    for (int64_t i = 0; i < 1000; i += batch_size) {
      const Tensor idx = order.narrow(0, i, batch_size);
      const Tensor xb = index_select(X, 0, idx), yb = index_select(y, 0, idx);
      Variable l = pow(matmul(xb, w) + b - yb, 2) / 2;  // squared_loss
      sum(l).backward();
      NoGradGuard no_grad;
      for (Variable* p : {&w, &b}) {
        *p -= lr * p->grad() / static_cast<float>(batch_size);
        p->zero_grad();
      }
    }
  }
  EXPECT_NEAR(w.data().at({0, 0}), 2.0f, 2e-3);
  EXPECT_NEAR(w.data().at({1, 0}), -3.4f, 2e-3);
  EXPECT_NEAR(b.data().item(), 4.2f, 2e-3);
}

TEST(ReadmeExamples, image_ops_chain_as_in_lenet) {
  Generator gen(1);
  const Variable x(Tensor::normal({4, 1, 28, 28}, 0, 1, gen));
  Variable w(Tensor::normal({6, 1, 5, 5}, 0, 0.1f, gen), true), b(Tensor::zeros({6}), true);
  Variable gamma(Tensor::ones({6}), true), beta(Tensor::zeros({6}), true);
  Variable weight(Tensor::ones({6, 14, 14}), true), bias(Tensor::zeros({6, 14, 14}), true);
  Tensor running_mean = Tensor::zeros({6}), running_var = Tensor::ones({6});

  Variable y = conv2d(x, w, b, /*stride=*/1, /*padding=*/2, /*dilation=*/1, /*groups=*/1);
  y = avg_pool2d(sigmoid(y), 2);   // the stride is the kernel's; also max_pool2d, adaptive_avg_pool2d(x, 1)
  y = batch_norm(y, gamma, beta, &running_mean, &running_var, /*training=*/true, /*momentum=*/0.1, /*eps=*/1e-5);
  y = layer_norm(y, {6, 14, 14}, weight, bias, 1e-5);

  EXPECT_EQ(to_string(y.shape()), "[4, 6, 14, 14]");
  sum(mul(y, y)).backward();
  EXPECT_EQ(to_string(w.grad().shape()), "[6, 1, 5, 5]");
  EXPECT_NE(running_mean.to_vector(), std::vector<float>(6, 0.0f));
}

namespace {
Variable softmax_from_scratch(const Variable& X) {
  Variable X_exp = exp(X);
  return X_exp / sum(X_exp, 1, /*keepdim=*/true);
}
Variable cross_entropy_from_scratch(const Variable& y_hat, const Tensor& y) {
  return -log(gather(y_hat, 1, y.reshape({-1, 1})));  // y_hat[range(len(y_hat)), y]
}
Variable sigmoid_from_scratch(const Variable& x) { return 1.0f / (1.0f + exp(-x)); }
Variable relu_from_scratch(const Variable& x) { return maximum(x, Tensor::zeros(x.shape())); }
}  // namespace

TEST(ReadmeExamples, d2l_softmax_regression_from_scratch_learns_separable_classes) {
  Generator gen(7);
  const Tensor X = Tensor::normal({600, 4}, 0, 1, gen);
  const Tensor y = argmax(matmul(X, Tensor::normal({4, 3}, 0, 1, gen)), 1);  // int64 labels
  Variable W(Tensor::normal({4, 3}, 0, 0.01f, gen), true);
  Variable b(Tensor::zeros({3}), true);
  for (int epoch = 0; epoch < 5; ++epoch) {
    const Tensor order = Tensor::randperm(600, gen);
    for (int64_t i = 0; i < 600; i += 30) {
      const Tensor idx = order.narrow(0, i, 30);
      const Tensor xb = index_select(X, 0, idx), yb = index_select(y, 0, idx);
      Variable l = cross_entropy_from_scratch(softmax_from_scratch(matmul(xb, W) + b), yb);
      mean(l).backward();
      NoGradGuard no_grad;
      for (Variable* p : {&W, &b}) {
        *p -= 0.5f * p->grad();
        p->zero_grad();
      }
    }
  }
  const float accuracy = mean(eq(argmax(matmul(X, W.data()) + b.data(), 1), y)).item();
  EXPECT_GT(accuracy, 0.9f);
}

TEST(ReadmeExamples, d2l_activations_from_scratch_match_the_built_in_ones) {
  Generator gen(3);
  Variable x(Tensor::normal({5, 7}, 0, 2, gen), true);
  Variable y(x.data(), true);
  sum(sigmoid_from_scratch(x) * 3.0f + relu_from_scratch(x)).backward();
  sum(sigmoid(y) * 3.0f + relu(y)).backward();
  const std::vector<float> from_scratch = x.grad().to_vector(), built_in = y.grad().to_vector();
  for (size_t i = 0; i < built_in.size(); ++i) EXPECT_NEAR(from_scratch[i], built_in[i], 1e-6f) << i;
}

TEST(ReadmeExamples, d2l_batch_norm_statistics_from_scratch_are_per_channel) {
  Generator gen(5);
  Variable X(Tensor::normal({8, 3, 4, 4}, 1, 2, gen), true);
  Variable mean_ = mean(X, {0, 2, 3}, /*keepdim=*/true);
  Variable var = mean(pow(X - mean_, 2), {0, 2, 3}, true);
  Variable Y = (X - mean_) / sqrt(var + 1e-5f);
  EXPECT_EQ(to_string(mean_.shape()), "[1, 3, 1, 1]");
  const Tensor channel_means = mean(mean(mean(Y.data(), 0), 1), 1);
  for (float m : channel_means.to_vector()) EXPECT_NEAR(m, 0.0f, 1e-5f);
  sum(Y * Y).backward();
  EXPECT_EQ(to_string(X.grad().shape()), "[8, 3, 4, 4]");
}
