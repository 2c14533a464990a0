// The README's autograd example, compiled and run: the d2l linear regression from scratch.
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

  Variable y = conv2d(x, w, b, /*stride=*/{1, 1}, /*padding=*/{2, 2}, /*dilation=*/{1, 1}, /*groups=*/1);
  y = avg_pool2d(sigmoid(y), {2, 2}, {2, 2});          // also max_pool2d, adaptive_avg_pool2d(x, {1, 1})
  y = batch_norm(y, gamma, beta, &running_mean, &running_var, /*training=*/true, /*momentum=*/0.1, /*eps=*/1e-5);
  y = layer_norm(y, {6, 14, 14}, weight, bias, 1e-5);

  EXPECT_EQ(to_string(y.shape()), "[4, 6, 14, 14]");
  sum(mul(y, y)).backward();
  EXPECT_EQ(to_string(w.grad().shape()), "[6, 1, 5, 5]");
  EXPECT_NE(running_mean.to_vector(), std::vector<float>(6, 0.0f));
}
