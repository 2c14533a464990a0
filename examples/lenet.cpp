// d2l's LeNet (chapter 7.6) on Fashion-MNIST, written by hand against the API as the chapter
// writes it in PyTorch: the model, Xavier initialisation, SGD and the training loop (no YAML).
// configs/lenet.yaml describes the same run.
//
//   lenet [EPOCHS [TRAIN_IMAGES [MIN_ACCURACY]]]
//
// trains EPOCHS epochs (10) on the first TRAIN_IMAGES training images (all 60000), prints the
// test accuracy after each, and exits with 1 when the last is below MIN_ACCURACY (0). The data
// is the Debian package dataset-fashion-mnist, which `make deps` installs.
#include <cstdio>

#include <minidl/autograd.hpp>
#include <minidl/data.hpp>
#include <minidl/nn.hpp>
#include <minidl/optim.hpp>

#include "d2l.hpp"

using namespace minidl;

namespace {

nn::Sequential lenet(Generator& gen) {
  nn::Sequential net{
      nn::Conv2d({.in_channels = 1, .out_channels = 6, .kernel_size = 5, .padding = 2}, gen),
      nn::Sigmoid(),
      nn::AvgPool2d({.kernel_size = 2}),
      nn::Conv2d({.in_channels = 6, .out_channels = 16, .kernel_size = 5}, gen),
      nn::Sigmoid(),
      nn::AvgPool2d({.kernel_size = 2}),
      nn::Flatten(),
      nn::Linear(16 * 5 * 5, 120, true, gen),
      nn::Sigmoid(),
      nn::Linear(120, 84, true, gen),
      nn::Sigmoid(),
      nn::Linear(84, 10, true, gen)};
  // d2l: nn.init.xavier_uniform_ on every Conv2d and Linear weight.
  for (auto& [name, parameter] : net.named_parameters())
    if (name.ends_with("weight")) nn::init::xavier_uniform_(parameter, gen);
  return net;
}

}  // namespace

int main(int argc, char** argv) {
  const d2l::ImageRun run = d2l::image_run("lenet", argc, argv);
  const auto [train_set, test_set] = d2l::load_fashion_mnist("lenet", run.train_images);

  Generator gen(0);
  nn::Sequential net = lenet(gen);
  auto optimizer = optim::make("sgd", net.named_parameters(), {{"lr", 0.9}});
  nn::CrossEntropyLoss loss_fn;
  data::DataLoader loader(train_set, {.batch_size = 256, .shuffle = true, .seed = 0});

  double test_accuracy = 0.0;
  for (int epoch = 1; epoch <= run.epochs; ++epoch) {
    double loss_sum = 0.0;
    for (auto& [xb, yb] : loader) {
      optimizer->zero_grad();
      Variable loss = loss_fn(net(xb), yb);
      loss.backward();
      optimizer->step();
      loss_sum += loss.item();
    }
    test_accuracy = d2l::accuracy(net, test_set);
    std::printf("epoch %d, train loss %.4f, test accuracy %.4f\n", epoch, loss_sum / static_cast<double>(loader.size()),
                test_accuracy);
  }
  return test_accuracy >= run.min_accuracy ? 0 : 1;
}
