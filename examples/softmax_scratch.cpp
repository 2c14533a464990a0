// d2l 4.4, "Softmax Regression Implementation from Scratch", line for line in minidl's C++ API:
// softmax and cross-entropy written out, Fashion-MNIST through the DataLoader, minibatch SGD.
//
//   softmax_scratch [EPOCHS]
//
// trains EPOCHS epochs (10, as d2l), prints the loss and accuracies after each, and exits with 1
// when the test accuracy ends below d2l's (0.75 after one or two epochs, 0.8 from three). The data is
// the Debian package dataset-fashion-mnist, which `make deps` installs.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <minidl/autograd.hpp>
#include <minidl/data.hpp>

using namespace minidl;

namespace {

const std::string kRoot = "/usr/share/datasets/fashion-mnist/";
constexpr int64_t kNumInputs = 784, kNumOutputs = 10;

Variable softmax_from_scratch(const Variable& X) {
  Variable X_exp = exp(X);
  Variable partition = sum(X_exp, 1, /*keepdim=*/true);
  return X_exp / partition;  // broadcasting applies here
}

Variable net(const Variable& X, const Variable& W, const Variable& b) {
  return softmax_from_scratch(matmul(reshape(X, {-1, W.size(0)}), W) + b);
}

// -log of the probability each row gives its label: d2l's y_hat[range(len(y_hat)), y].
Variable cross_entropy_from_scratch(const Variable& y_hat, const Tensor& y) {
  return -log(gather(y_hat, 1, y.reshape({-1, 1})));
}

// Correct predictions in a batch.
double correct(const Tensor& y_hat, const Tensor& y) { return sum(eq(argmax(y_hat, 1), y)).item(); }

double evaluate_accuracy(const Variable& W, const Variable& b, const std::shared_ptr<const data::Dataset>& dataset) {
  NoGradGuard no_grad;
  double right = 0;
  for (auto& [X, y] : data::DataLoader(dataset, {.batch_size = 256})) right += correct(net(X, W, b).data(), y);
  return right / static_cast<double>(dataset->size());
}

void sgd(std::initializer_list<Variable*> params, float lr) {
  NoGradGuard no_grad;
  for (Variable* param : params) {
    param->data() -= param->grad() * lr;
    param->zero_grad();
  }
}

}  // namespace

int main(int argc, char** argv) {
  char* end = nullptr;
  const long num_epochs = argc > 1 ? std::strtol(argv[1], &end, 10) : 10;
  if (argc > 2 || (argc > 1 && (*end != '\0' || num_epochs < 1))) {
    std::fprintf(stderr, "softmax_scratch: the argument is a number of epochs >= 1\nusage: softmax_scratch [EPOCHS]\n");
    return 2;
  }
  std::shared_ptr<const data::Dataset> train_set, test_set;
  try {
    train_set = std::make_shared<data::IdxDataset>(kRoot + "train-images-idx3-ubyte.gz",
                                                   kRoot + "train-labels-idx1-ubyte.gz");
    test_set = std::make_shared<data::IdxDataset>(kRoot + "t10k-images-idx3-ubyte.gz",
                                                  kRoot + "t10k-labels-idx1-ubyte.gz");
  } catch (const Error& e) {  // no dataset-fashion-mnist, or a damaged file
    std::fprintf(stderr, "softmax_scratch: %s\n", e.what());
    return 1;
  }
  Generator gen(0);
  Variable W(Tensor::normal({kNumInputs, kNumOutputs}, 0.0f, 0.01f, gen), /*requires_grad=*/true);
  Variable b(Tensor::zeros({kNumOutputs}), /*requires_grad=*/true);
  const float lr = 0.1f;
  data::DataLoader train_iter(train_set, {.batch_size = 256, .shuffle = true, .seed = 0});

  double test_acc = 0;
  for (long epoch = 1; epoch <= num_epochs; ++epoch) {
    double loss_sum = 0, right = 0;
    for (auto& [X, y] : train_iter) {
      Variable y_hat = net(X, W, b);
      Variable l = cross_entropy_from_scratch(y_hat, y);
      mean(l).backward();
      sgd({&W, &b}, lr);
      loss_sum += sum(l).item();
      right += correct(y_hat.data(), y);
    }
    const auto n = static_cast<double>(train_set->size());
    test_acc = evaluate_accuracy(W, b, test_set);
    std::printf("epoch %ld, loss %.4f, train acc %.4f, test acc %.4f\n", epoch, loss_sum / n, right / n, test_acc);
  }
  return test_acc >= (num_epochs >= 3 ? 0.8 : 0.75) ? 0 : 1;
}
