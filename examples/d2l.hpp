#pragma once
// What the Fashion-MNIST examples (lenet.cpp, resnet.cpp) share, as d2l's own `d2l` package holds
// what its chapters share: the command line, the data, a classifier's accuracy and the training
// loop (d2l's train_ch6).
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

#include <minidl/autograd.hpp>
#include <minidl/data.hpp>
#include <minidl/nn.hpp>
#include <minidl/optim.hpp>

namespace d2l {

using namespace minidl;

/// `program [EPOCHS [TRAIN_IMAGES [MIN_ACCURACY]]]`: train EPOCHS epochs (10) on the first
/// TRAIN_IMAGES training images (all), and exit with 1 when the last test accuracy is below
/// MIN_ACCURACY (0).
struct ImageRun {
  int epochs = 10;
  int64_t train_images = 60000;
  double min_accuracy = 0.0;
};

/// Argument i as a number of type T >= min (`fallback` when absent); anything else ends the
/// program with the usage line and status 2.
template <class T>
T argument(const char* program, int argc, char** argv, int i, T fallback, T min) {
  if (i >= argc) return fallback;
  T value{};
  const std::string_view text = argv[i];
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min) {
    std::fprintf(stderr, "%s: argument %d '%s' is not a number >= %g\nusage: %s [EPOCHS [TRAIN_IMAGES [MIN_ACCURACY]]]\n",
                 program, i, argv[i], static_cast<double>(min), program);
    std::exit(2);
  }
  return value;
}

/// The command line as an ImageRun.
inline ImageRun image_run(const char* program, int argc, char** argv) {
  return {argument(program, argc, argv, 1, 10, 1), argument<int64_t>(program, argc, argv, 2, 60000, 1),
          argument(program, argc, argv, 3, 0.0, 0.0)};
}

/// Fashion-MNIST as the Debian package dataset-fashion-mnist installs it (`make deps`).
struct FashionMnist {
  std::shared_ptr<const data::Dataset> train;  // the first train_images training images
  std::shared_ptr<const data::Dataset> test;   // all 10000 test images
};

/// Loads Fashion-MNIST; without the package, or with a damaged file, says why and exits with 1.
inline FashionMnist load_fashion_mnist(const char* program, int64_t train_images) {
  const std::string root = "/usr/share/datasets/fashion-mnist/";
  try {
    auto all_train = std::make_shared<data::IdxDataset>(root + "train-images-idx3-ubyte.gz",
                                                        root + "train-labels-idx1-ubyte.gz");
    auto test = std::make_shared<data::IdxDataset>(root + "t10k-images-idx3-ubyte.gz", root + "t10k-labels-idx1-ubyte.gz");
    std::vector<int64_t> first(static_cast<size_t>(std::min(train_images, all_train->size())));
    std::iota(first.begin(), first.end(), 0);
    return {std::make_shared<const data::Subset>(all_train, first), test};
  } catch (const Error& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    std::exit(1);
  }
}

/// Fraction of `dataset` that `net` classifies correctly, in eval mode (Dropout off, BatchNorm's
/// running statistics) and batches of 1000; `net` is back in training mode after.
inline double accuracy(nn::Module& net, const std::shared_ptr<const data::Dataset>& dataset) {
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

/// d2l's train_ch6: `epochs` epochs of SGD at `lr` with cross-entropy over shuffled batches of
/// 256, printing the mean training loss, the test accuracy and the seconds of each epoch.
/// Returns the last test accuracy.
inline double train(nn::Module& net, const FashionMnist& data, int epochs, double lr) {
  auto optimizer = optim::make("sgd", net.named_parameters(), {{"lr", lr}});
  nn::CrossEntropyLoss loss_fn;
  data::DataLoader loader(data.train, {.batch_size = 256, .shuffle = true, .seed = 0});
  double test_accuracy = 0.0;
  for (int epoch = 1; epoch <= epochs; ++epoch) {
    const auto start = std::chrono::steady_clock::now();
    double loss_sum = 0.0;
    for (auto& [xb, yb] : loader) {
      optimizer->zero_grad();
      Variable loss = loss_fn(net(xb), yb);
      loss.backward();
      optimizer->step();
      loss_sum += loss.item();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    test_accuracy = accuracy(net, data.test);
    std::printf("epoch %d, train loss %.4f, test accuracy %.4f, %.2f s\n", epoch,
                loss_sum / static_cast<double>(loader.size()), test_accuracy, seconds);
  }
  return test_accuracy;
}

}  // namespace d2l
