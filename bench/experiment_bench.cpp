// The training loop of the experiment layer on the issue's two reference runs: d2l's linear
// regression (3 epochs of 100 batches of 10; PyTorch 1.13 takes 33.4 ms, libtorch 16.5 ms) and
// the digits MLP epoch (1437 samples, batch 32, Adam; PyTorch 18 ms per epoch with DataLoader).
// Files are not written here: that is `minidl train`'s cost, measured end to end elsewhere.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "minidl/core/parallel.hpp"
#include "minidl/experiment/config.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/experiment/trainer.hpp"

using namespace minidl;
using namespace minidl::experiment;

namespace {

const char* kLinreg = R"(
data:
  train: {type: synthetic_linear, w: [2, -3.4], b: 4.2, n: 1000, noise: 0.01}
  batch_size: 10
model:
  - {type: linear, in: 2, out: 1, init: {weight: {type: normal, std: 0.01}, bias: zeros}}
loss: mse
optimizer: {type: sgd, lr: 0.03}
train: {epochs: 3}
)";

const char* kDigitsMlp = R"(
data:
  train: {type: csv, path: examples/datasets/digits.csv}
  validation: {split: 0.2}
  transform: {scale: 0.0625}
  batch_size: 32
model: [{type: linear, in: 64, out: 128}, relu, {type: linear, out: 10}]
loss: cross_entropy
optimizer: {type: adam, lr: 0.001}
)";

void BM_LinregThreeEpochs(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    state.PauseTiming();
    Experiment run(parse_config(kLinreg, "linreg"));
    data::DataLoader loader = make_train_loader(run);
    state.ResumeTiming();
    for (int64_t epoch = 1; epoch <= 3; ++epoch) benchmark::DoNotOptimize(train_epoch(run, loader, epoch));
  }
  state.SetItemsProcessed(state.iterations() * 3000);  // samples
}
BENCHMARK(BM_LinregThreeEpochs)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void BM_DigitsMlpEpoch(benchmark::State& state) {
  if (!std::filesystem::exists("examples/datasets/digits.csv")) {
    state.SkipWithError("run from the repository root (needs examples/datasets/digits.csv)");
    return;
  }
  set_num_threads(static_cast<int>(state.range(0)));
  Experiment run(parse_config(kDigitsMlp, "digits_mlp"));
  data::DataLoader loader = make_train_loader(run);
  int64_t epoch = 0;
  for (auto _ : state) benchmark::DoNotOptimize(train_epoch(run, loader, ++epoch));
  state.SetItemsProcessed(state.iterations() * run.train_data().size());
}
BENCHMARK(BM_DigitsMlpEpoch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
