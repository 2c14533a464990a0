// A 64-128-10 MLP on scikit-learn's digits with nn, optim and a DataLoader by hand (no YAML):
// the same run configs/digits_mlp.yaml describes. Run from the repository root; the weights go
// to the path given as argument (default digits_mlp.safetensors).
#include <cstdio>
#include <memory>

#include <minidl/autograd.hpp>
#include <minidl/data.hpp>
#include <minidl/nn.hpp>
#include <minidl/optim.hpp>

using namespace minidl;

// Fraction of `dataset` that `net` classifies correctly.
double accuracy(nn::Module& net, const data::Dataset& dataset) {
  NoGradGuard no_grad;
  net.eval();
  const data::Batch all = dataset.all();
  const std::vector<int64_t> predicted = argmax(net(all.features).data(), 1).to_int64_vector();
  const std::vector<int64_t> target = all.targets.to_int64_vector();
  int64_t correct = 0;
  for (size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == target[i];
  net.train();
  return static_cast<double>(correct) / static_cast<double>(predicted.size());
}

// Trains the MLP and saves its weights to `weights_path`; 0 when it reaches 95% validation accuracy.
int train(const char* weights_path) {
  const uint64_t seed = 0;
  data::CsvOptions csv;
  csv.scale = 1.0f / 16.0f;  // pixels 0..16 -> 0..1
  std::shared_ptr<const data::CsvDataset> digits;
  try {
    digits = std::make_shared<data::CsvDataset>("examples/datasets/digits.csv", csv);
  } catch (const Error& e) {
    std::fprintf(stderr, "digits_mlp: %s (run it from the repository root)\n", e.what());
    return 1;
  }
  auto [train_set, validation_set] = data::split(digits, 0.2, seed);

  Generator gen(seed);
  nn::Sequential net{nn::Linear(64, 128, true, gen), nn::ReLU(), nn::Linear(128, 10, true, gen)};
  auto optimizer = optim::make("adam", net.named_parameters(), {{"lr", 1e-3}});
  nn::CrossEntropyLoss loss_fn;
  data::DataLoader loader(train_set, {.batch_size = 32, .shuffle = true, .seed = seed});

  double val_accuracy = 0.0;
  for (int epoch = 1; epoch <= 20; ++epoch) {
    double loss_sum = 0.0;
    for (auto& [xb, yb] : loader) {
      optimizer->zero_grad();
      Variable loss = loss_fn(net(xb), yb);
      loss.backward();
      optimizer->step();
      loss_sum += loss.item();
    }
    val_accuracy = accuracy(net, *validation_set);
    std::printf("epoch %d, train loss %.4f, validation accuracy %.4f\n", epoch,
                loss_sum / static_cast<double>(loader.size()), val_accuracy);
  }
  nn::save(net, weights_path);
  return val_accuracy >= 0.95 ? 0 : 1;
}

int main(int argc, char** argv) {
  try {
    return train(argc > 1 ? argv[1] : "digits_mlp.safetensors");
  } catch (const Error& e) {  // the weights could not be written, or anything else minidl refuses
    std::fprintf(stderr, "digits_mlp: %s\n", e.what());
    return 1;
  }
}
