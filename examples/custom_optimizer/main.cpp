// Trains linear regression (d2l's y = Xw + b + noise) with Lion, an optimizer minidl does not
// ship: lion.hpp defines it, one line below registers it, and from then on it is available
// by name exactly like "adam" — here through optim::make, in a config as `optimizer: {type: lion}`.
#include <iomanip>
#include <iostream>
#include <minidl/autograd.hpp>
#include <minidl/optim.hpp>

#include "lion.hpp"

using namespace minidl;

int main() {
  optim::register_optimizer<Lion>("lion");

  // 1000 samples of y = X [2, -3.4]^T + 4.2 + N(0, 0.01).
  Generator gen(42);
  const Tensor X = Tensor::normal({1000, 2}, 0.0f, 1.0f, gen);
  const Tensor y = matmul(X, Tensor::from(std::vector<float>{2.0f, -3.4f}, {2, 1})) + 4.2f +
                   Tensor::normal({1000, 1}, 0.0f, 0.01f, gen);

  Variable w(Tensor::normal({2, 1}, 0.0f, 0.01f, gen), /*requires_grad=*/true);
  Variable b(Tensor::zeros({1}), true);
  auto optimizer = optim::make("lion", optim::NamedParameters{{"w", w}, {"b", b}},
                               {{"lr", 0.03}, {"betas", {0.9, 0.99}}});
  constexpr int kEpochs = 10;
  auto scheduler = optim::make_scheduler("cosine", *optimizer, {{"T_max", kEpochs}});
  std::cout << *optimizer << "\n" << *scheduler << "\n";

  constexpr int64_t kBatch = 10;
  double first_loss = 0.0;
  double last_loss = 0.0;
  for (int epoch = 0; epoch < kEpochs; ++epoch) {
    for (int64_t start = 0; start < X.size(0); start += kBatch) {
      const Variable xb = X.narrow(0, start, kBatch);
      const Variable yb = y.narrow(0, start, kBatch);
      optimizer->zero_grad();
      mse_loss(matmul(xb, w) + b, yb).backward();
      optimizer->step();
    }
    scheduler->step();
    NoGradGuard no_grad;
    const double loss = mse_loss(matmul(X, w) + b, y).item();
    if (epoch == 0) first_loss = loss;
    last_loss = loss;
    std::cout << "epoch " << epoch + 1 << ", loss " << std::setprecision(3) << loss << "\n";
  }
  std::cout << "w " << w.data().to_vector()[0] << ", " << w.data().to_vector()[1]
            << " (true 2, -3.4)"
            << "; b " << b.item() << " (true 4.2)\n";
  // Exit status for CI: the loss must have fallen to the noise level.
  return last_loss < 1e-3 && last_loss < first_loss ? 0 : 1;
}
