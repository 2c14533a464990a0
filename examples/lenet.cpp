// d2l's LeNet (chapter 7.6) on Fashion-MNIST, written by hand against the API as the chapter
// writes it in PyTorch: the model and its Xavier initialisation, trained by d2l.hpp's train
// (the chapter's train_ch6: SGD, batches of 256). No YAML.
// configs/lenet.yaml describes the same run.
//
//   lenet [EPOCHS [TRAIN_IMAGES [MIN_ACCURACY]]]
//
// trains EPOCHS epochs (10) on the first TRAIN_IMAGES training images (all 60000), prints the
// test accuracy after each, and exits with 1 when the last is below MIN_ACCURACY (0). The data
// is the Debian package dataset-fashion-mnist, which `make deps` installs.
#include <minidl/autograd.hpp>
#include <minidl/nn.hpp>

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
  const d2l::FashionMnist data = d2l::load_fashion_mnist("lenet", run.train_images);

  Generator gen(0);
  nn::Sequential net = lenet(gen);
  return d2l::train(net, data, run.epochs, 0.9) >= run.min_accuracy ? 0 : 1;
}
