// A program outside the minidl tree: trains y = 2x + 1 with the installed headers and libraries.
#include <minidl/minidl.hpp>

#include <cmath>
#include <iostream>

using namespace minidl;

int main() {
  Generator gen(0);
  const Tensor x = Tensor::normal({64, 1}, 0, 1, gen);
  const Tensor y = x * 2.0f + 1.0f;
  nn::Linear model(1, 1);
  auto opt = optim::make("sgd", model.named_parameters(), {{"lr", 0.1}});
  float loss = 0;
  for (int step = 0; step < 200; ++step) {
    opt->zero_grad();
    Variable l = mse_loss(model(x), y);
    l.backward();
    opt->step();
    loss = l.item();
  }
  std::cout << "consumer: final loss " << loss << "\n";
  return loss < 1e-6f ? 0 : 1;
}
