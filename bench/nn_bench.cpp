// nn layer speed beside its baseline, measured in the same run:
//   Linear(784, 256) forward + backward at batch 128 vs the raw cblas_sgemm time of the same
//   three products (y = x W^T, dx = dy W, dW = dy^T x) into preallocated buffers
//   (target: within 15%; the difference is the bias add, its gradient, allocation and the graph);
//   one MLP 64-128-10 forward + cross-entropy + backward at batch 32 (per-step overhead);
//   and Dropout(0.5) forward + backward on a [256, 256] batch (d2l's dropout MLP's activations),
//   beside the copy of the same bytes it must at least make; LayerNorm(1024) forward + backward
//   on [256, 1024].
// The last argument is the thread count (set_num_threads / set_blas_num_threads).
// Run: build/bin/nn_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <vector>

#include "minidl/core/blas.hpp"
#include "minidl/nn.hpp"


using namespace minidl;

namespace {

constexpr int kBatch = 128, kIn = 784, kOut = 256;

void set_flops(benchmark::State& state) {
  // Three products of 2 * batch * in * out FLOPs each.
  state.counters["FLOP/s"] = benchmark::Counter(3 * 2.0 * kBatch * kIn * kOut, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_LinearForwardBackward(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  Generator gen(0);
  nn::Linear lin(kIn, kOut, true, gen);
  Variable x(Tensor::normal({kBatch, kIn}, 0, 1, gen), true);
  const Tensor grad_y = Tensor::normal({kBatch, kOut}, 0, 1, gen);
  for (auto _ : state) {
    // Gradients set to none, as PyTorch's zero_grad does: backward writes them fresh.
    x.set_grad(Tensor());
    for (Variable& p : lin.parameters()) p.set_grad(Tensor());
    lin(x).backward(grad_y);
    benchmark::DoNotOptimize(lin.weight().grad().data<float>());
  }
  set_flops(state);
}

void BM_RawSgemmThreeProducts(benchmark::State& state) {
  set_blas_num_threads(static_cast<int>(state.range(0)));
  Generator gen(0);
  const Tensor x = Tensor::normal({kBatch, kIn}, 0, 1, gen), w = Tensor::normal({kOut, kIn}, 0, 1, gen);
  const Tensor dy = Tensor::normal({kBatch, kOut}, 0, 1, gen);
  std::vector<float> y(kBatch * kOut), dx(kBatch * kIn), dw(kOut * kIn);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, kBatch, kOut, kIn, 1.0f, x.data<float>(), kIn,
                w.data<float>(), kIn, 0.0f, y.data(), kOut);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, kBatch, kIn, kOut, 1.0f, dy.data<float>(), kOut,
                w.data<float>(), kIn, 0.0f, dx.data(), kIn);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, kOut, kIn, kBatch, 1.0f, dy.data<float>(), kOut,
                x.data<float>(), kIn, 0.0f, dw.data(), kIn);
    benchmark::DoNotOptimize(dw.data());
    benchmark::ClobberMemory();
  }
  set_blas_num_threads(1);
  set_flops(state);
}

void BM_MlpStep(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  Generator gen(0);
  nn::Sequential net{nn::Linear(64, 128, true, gen), nn::ReLU(), nn::Linear(128, 10, true, gen)};
  nn::CrossEntropyLoss loss_fn;
  const Tensor x = Tensor::normal({32, 64}, 0, 1, gen);
  std::vector<int64_t> labels(32);
  for (size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<int64_t>(i % 10);
  const Tensor y = Tensor::from_int64(labels, {32});
  for (auto _ : state) {
    for (Variable& p : net.parameters()) p.set_grad(Tensor());
    loss_fn(net(x), y).backward();
  }
}

void BM_DropoutForwardBackward(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  Generator gen(0);
  nn::Dropout drop(0.5f, Generator(1));
  Variable x(Tensor::normal({256, 256}, 0, 1, gen), true);
  const Tensor grad_y = Tensor::normal({256, 256}, 0, 1, gen);
  for (auto _ : state) {
    x.set_grad(Tensor());
    drop(x).backward(grad_y);
    benchmark::DoNotOptimize(x.grad().data<float>());
  }
  state.SetBytesProcessed(state.iterations() * int64_t{256} * 256 * sizeof(float));
}

// LayerNorm(1024) forward + backward (input, weight and bias gradients) on [256, 1024].
void BM_LayerNormForwardBackward(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  Generator gen(0);
  nn::LayerNorm norm(std::vector<int64_t>{1024});
  Variable x(Tensor::normal({256, 1024}, 0, 1, gen), true);
  const Tensor grad_y = Tensor::normal({256, 1024}, 0, 1, gen);
  for (auto _ : state) {
    x.set_grad(Tensor());
    norm.zero_grad();
    norm(x).backward(grad_y);
    benchmark::DoNotOptimize(x.grad().data<float>());
  }
  state.SetBytesProcessed(state.iterations() * int64_t{256} * 1024 * sizeof(float));
}

void BM_CopyOfTheSameBytes(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  Generator gen(0);
  const Tensor x = Tensor::normal({256, 256}, 0, 1, gen);
  for (auto _ : state) benchmark::DoNotOptimize(x.clone().data<float>());
  state.SetBytesProcessed(state.iterations() * int64_t{256} * 256 * sizeof(float));
}

void threads(benchmark::internal::Benchmark* b) {
  b->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMicrosecond)->UseRealTime();
}

}  // namespace

BENCHMARK(BM_LinearForwardBackward)->Apply(threads);
BENCHMARK(BM_RawSgemmThreeProducts)->Apply(threads);
BENCHMARK(BM_MlpStep)->Apply(threads);
BENCHMARK(BM_DropoutForwardBackward)->Apply(threads);
BENCHMARK(BM_LayerNormForwardBackward)->Apply(threads);
BENCHMARK(BM_CopyOfTheSameBytes)->Apply(threads);

BENCHMARK_MAIN();
