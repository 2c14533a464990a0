// d2l's ResNet (chapter 8.6) on Fashion-MNIST, written by hand against the API as the chapter
// writes it in PyTorch: a Residual block as a custom Module (two 3x3 convolutions with
// BatchNorm, an optional 1x1 convolution on the shortcut) and resnet_block stages, trained by
// d2l.hpp's train (SGD, batches of 256). The chapter resizes the images to 96x96 and uses 64-512
// channels; this keeps 28x28 and 16-64 channels, so an epoch takes seconds on a CPU.
//
//   resnet [EPOCHS [TRAIN_IMAGES [MIN_ACCURACY]]]
//
// trains EPOCHS epochs (10) on the first TRAIN_IMAGES training images (all 60000), prints the
// test accuracy after each, and exits with 1 when the last is below MIN_ACCURACY (0). The data
// is the Debian package dataset-fashion-mnist, which `make deps` installs.
#include <memory>
#include <string>

#include <minidl/autograd.hpp>
#include <minidl/nn.hpp>

#include "d2l.hpp"

using namespace minidl;

namespace {

// d2l's Residual: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), the shortcut a 1x1
// convolution where the block changes the channels or the size, else x itself.
class Residual : public nn::Module {
 public:
  Residual(int64_t in_channels, int64_t channels, bool use_1x1conv, int64_t stride) {
    conv1_ = register_module("conv1", std::make_shared<nn::Conv2d>(nn::Conv2dOptions{
                                          .in_channels = in_channels, .out_channels = channels, .kernel_size = 3,
                                          .stride = stride, .padding = 1}));
    conv2_ = register_module("conv2", std::make_shared<nn::Conv2d>(nn::Conv2dOptions{
                                          .in_channels = channels, .out_channels = channels, .kernel_size = 3, .padding = 1}));
    if (use_1x1conv)
      conv3_ = register_module("conv3", std::make_shared<nn::Conv2d>(nn::Conv2dOptions{
                                            .in_channels = in_channels, .out_channels = channels, .kernel_size = 1, .stride = stride}));
    bn1_ = register_module("bn1", std::make_shared<nn::BatchNorm2d>(channels));
    bn2_ = register_module("bn2", std::make_shared<nn::BatchNorm2d>(channels));
  }

  Variable forward(const Variable& x) override {
    const Variable y = (*bn2_)((*conv2_)(relu((*bn1_)((*conv1_)(x)))));
    return relu(y + (conv3_ ? (*conv3_)(x) : x));
  }

 private:
  std::shared_ptr<nn::Conv2d> conv1_, conv2_, conv3_;
  std::shared_ptr<nn::BatchNorm2d> bn1_, bn2_;
};

// d2l's resnet_block: `blocks` Residuals; the first halves the size and changes the channels,
// except in the first stage, which follows the max pool.
nn::Sequential resnet_block(int64_t in_channels, int64_t channels, int blocks, bool first_stage) {
  nn::Sequential stage;
  for (int i = 0; i < blocks; ++i)
    if (i == 0 && !first_stage) stage.push_back(Residual(in_channels, channels, true, 2));
    else stage.push_back(Residual(channels, channels, false, 1));
  return stage;
}

nn::Sequential resnet() {
  return nn::Sequential{
      nn::Conv2d({.in_channels = 1, .out_channels = 16, .kernel_size = 7, .stride = 2, .padding = 3}),
      nn::BatchNorm2d(16),
      nn::ReLU(),
      nn::MaxPool2d({.kernel_size = 3, .stride = 2, .padding = 1}),
      resnet_block(16, 16, 2, true),
      resnet_block(16, 32, 2, false),
      resnet_block(32, 64, 2, false),
      nn::AdaptiveAvgPool2d({.output_size = 1}),
      nn::Flatten(),
      nn::Linear(64, 10)};
}

}  // namespace

int main(int argc, char** argv) {
  const d2l::ImageRun run = d2l::image_run("resnet", argc, argv);
  const d2l::FashionMnist data = d2l::load_fashion_mnist("resnet", run.train_images);

  nn::manual_seed(0);
  nn::Sequential net = resnet();
  return d2l::train(net, data, run.epochs, 0.05) >= run.min_accuracy ? 0 : 1;
}
