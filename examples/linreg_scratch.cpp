// d2l 3.2, "Linear Regression Implementation from Scratch", line for line in minidl's C++ API:
// synthetic data, a shuffling minibatch iterator, the model, the loss and minibatch SGD.
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include <minidl/autograd.hpp>

using namespace minidl;

// y = Xw + b + noise.
std::pair<Tensor, Tensor> synthetic_data(const Tensor& w, float b, int64_t num_examples, Generator& gen) {
  Tensor X = Tensor::normal({num_examples, w.size(0)}, 0.0f, 1.0f, gen);
  Tensor y = matmul(X, w.reshape({-1, 1})) + b;
  y += Tensor::normal(y.shape(), 0.0f, 0.01f, gen);
  return {X, y};
}

// The minibatches of one epoch, in a fresh random order (d2l's data_iter generator).
std::vector<std::pair<Tensor, Tensor>> data_iter(int64_t batch_size, const Tensor& features,
                                                 const Tensor& labels, Generator& gen) {
  const int64_t num_examples = features.size(0);
  const Tensor indices = Tensor::randperm(num_examples, gen);
  std::vector<std::pair<Tensor, Tensor>> batches;
  for (int64_t i = 0; i < num_examples; i += batch_size) {
    const Tensor batch_indices = indices.narrow(0, i, std::min(batch_size, num_examples - i));
    batches.emplace_back(index_select(features, 0, batch_indices), index_select(labels, 0, batch_indices));
  }
  return batches;
}

// The linear regression model.
Variable linreg(const Variable& X, const Variable& w, const Variable& b) { return matmul(X, w) + b; }

// Squared loss, halved.
Variable squared_loss(const Variable& y_hat, const Variable& y) {
  return pow(y_hat - reshape(y, y_hat.shape()), 2) / 2;
}

// Minibatch stochastic gradient descent.
void sgd(std::vector<Variable*> params, float lr, int64_t batch_size) {
  NoGradGuard no_grad;
  for (Variable* param : params) {
    param->data() -= param->grad() * (lr / static_cast<float>(batch_size));
    param->zero_grad();
  }
}

int main() {
  Generator gen(42);
  const Tensor true_w = Tensor::from({2.0f, -3.4f});
  const float true_b = 4.2f;
  const auto [features, labels] = synthetic_data(true_w, true_b, 1000, gen);

  Variable w(Tensor::normal({2, 1}, 0.0f, 0.01f, gen), /*requires_grad=*/true);
  Variable b(Tensor::zeros({1}), /*requires_grad=*/true);

  const float lr = 0.03f;
  const int num_epochs = 3;
  const int64_t batch_size = 10;
  auto net = linreg;
  auto loss = squared_loss;

  float train_loss = 0.0f;
  for (int epoch = 0; epoch < num_epochs; ++epoch) {
    for (const auto& [X, y] : data_iter(batch_size, features, labels, gen)) {
      const Variable l = loss(net(X, w, b), y);  // minibatch loss of X and y
      sum(l).backward();                          // gradients of the sum with respect to w and b
      sgd({&w, &b}, lr, batch_size);              // update the parameters with their gradients
    }
    NoGradGuard no_grad;
    train_loss = mean(loss(net(features, w, b), labels)).item();
    std::printf("epoch %d, loss %f\n", epoch + 1, train_loss);
  }
  const float error_w0 = true_w.at({0}) - w.data().at({0, 0});
  const float error_w1 = true_w.at({1}) - w.data().at({1, 0});
  const float error_b = true_b - b.data().at({0});
  std::printf("error in estimating w: [%g, %g]\n", error_w0, error_w1);
  std::printf("error in estimating b: %g\n", error_b);
  // Exit status for CI: the d2l run ends at the noise floor with w and b within 2e-3.
  const bool ok = train_loss < 1e-4f && std::abs(error_w0) < 2e-3f && std::abs(error_w1) < 2e-3f &&
                  std::abs(error_b) < 2e-3f;
  return ok ? 0 : 1;
}
