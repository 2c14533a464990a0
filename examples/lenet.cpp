// d2l's LeNet (chapter 7.6) on Fashion-MNIST, written by hand against the API as the chapter
// writes it in PyTorch: the model, Xavier initialisation, SGD and the training loop (no YAML).
// configs/lenet.yaml describes the same run.
//
//   lenet [EPOCHS [TRAIN_IMAGES [MIN_ACCURACY]]]
//
// trains EPOCHS epochs (10) on the first TRAIN_IMAGES training images (all 60000), prints the
// test accuracy after each, and exits with 1 when the last is below MIN_ACCURACY (0). The data
// is the Debian package dataset-fashion-mnist, which `make deps` installs.
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>

#include <minidl/autograd.hpp>
#include <minidl/data.hpp>
#include <minidl/nn.hpp>
#include <minidl/optim.hpp>

using namespace minidl;

namespace {

const std::string kRoot = "/usr/share/datasets/fashion-mnist/";

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

// Fraction of `dataset` that `net` classifies correctly, in eval mode and batches of 1000.
double accuracy(nn::Module& net, const std::shared_ptr<const data::Dataset>& dataset) {
  NoGradGuard no_grad;
  net.eval();
  int64_t correct = 0;
  for (auto& [xb, yb] : data::DataLoader(dataset, {.batch_size = 1000})) {
    const std::vector<int64_t> predicted = argmax(net(xb).data(), 1).to_int64_vector();
    const std::vector<int64_t> target = yb.to_int64_vector();
    for (size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == target[i];
  }
  net.train();
  return static_cast<double>(correct) / static_cast<double>(dataset->size());
}

// Argument i as a number of type T (`fallback` when absent); anything else ends the program
// with the usage line.
template <class T>
T argument(int argc, char** argv, int i, T fallback, T min) {
  if (i >= argc) return fallback;
  T value{};
  const std::string_view text = argv[i];
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min) {
    std::fprintf(stderr, "lenet: argument %d '%s' is not a number >= %g\nusage: lenet [EPOCHS [TRAIN_IMAGES [MIN_ACCURACY]]]\n",
                 i, argv[i], static_cast<double>(min));
    std::exit(2);
  }
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  const int epochs = argument(argc, argv, 1, 10, 1);
  const int64_t train_images = argument<int64_t>(argc, argv, 2, 60000, 1);
  const double min_accuracy = argument(argc, argv, 3, 0.0, 0.0);
  std::shared_ptr<const data::IdxDataset> all_train, test_set;
  try {
    all_train = std::make_shared<data::IdxDataset>(kRoot + "train-images-idx3-ubyte.gz",
                                                   kRoot + "train-labels-idx1-ubyte.gz");
    test_set = std::make_shared<data::IdxDataset>(kRoot + "t10k-images-idx3-ubyte.gz", kRoot + "t10k-labels-idx1-ubyte.gz");
  } catch (const Error& e) {  // no dataset-fashion-mnist, or a damaged file
    std::fprintf(stderr, "lenet: %s\n", e.what());
    return 1;
  }
  std::vector<int64_t> first(static_cast<size_t>(std::min(train_images, all_train->size())));
  std::iota(first.begin(), first.end(), 0);
  auto train_set = std::make_shared<const data::Subset>(all_train, first);

  Generator gen(0);
  nn::Sequential net = lenet(gen);
  auto optimizer = optim::make("sgd", net.named_parameters(), {{"lr", 0.9}});
  nn::CrossEntropyLoss loss_fn;
  data::DataLoader loader(train_set, {.batch_size = 256, .shuffle = true, .seed = 0});

  double test_accuracy = 0.0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    double loss_sum = 0.0;
    for (auto& [xb, yb] : loader) {
      optimizer->zero_grad();
      Variable loss = loss_fn(net(xb), yb);
      loss.backward();
      optimizer->step();
      loss_sum += loss.item();
    }
    test_accuracy = accuracy(net, test_set);
    std::printf("epoch %d, train loss %.4f, test accuracy %.4f\n", epoch, loss_sum / static_cast<double>(loader.size()),
                test_accuracy);
  }
  return test_accuracy >= min_accuracy ? 0 : 1;
}
