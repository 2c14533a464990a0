// LeNet's and the ResNet example's image layers, forward + backward (and forward alone), beside
// the sgemm rate of the machine:
//   conv1 1x28x28 -> 6 (5x5, pad 2), conv2 6x14x14 -> 16 (5x5), as FLOP/s of the convolution
//   (forward 2*N*O*L*K, backward once more per gradient of x and of the weight) to compare with sgemm on a LeNet-sized product;
//   the ResNet's stem and 3x3 layers (strided, on 7x7 to 2x2 images) and its max pool;
//   avg_pool2d 2x2 and batch_norm (training) on conv1's output.
// bench/peers/image_layers.py times the same layers in PyTorch.
// The last argument is the thread count; times are wall clock, CPU times the whole process's
// (all threads): on a busy machine the CPU time per thread count is the steadier figure.
// Run: build/bin/conv_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <vector>

#include "minidl/autograd.hpp"

using namespace minidl;

namespace {

Tensor random_tensor(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  return Tensor::normal(shape, 0, 1, gen);
}

// Args: batch, in channels, size, out channels, kernel, stride, padding, whether the input
// needs a gradient (not for a first layer, whose input is the data), threads.
void BM_Conv2dForwardBackward(benchmark::State& state) {
  const int64_t n = state.range(0), c = state.range(1), hw = state.range(2), o = state.range(3), k = state.range(4),
                stride = state.range(5), pad = state.range(6);
  set_num_threads(static_cast<int>(state.range(8)));
  Variable x(random_tensor({n, c, hw, hw}, 1), state.range(7) != 0), w(random_tensor({o, c, k, k}, 2), true),
      b(random_tensor({o}, 3), true);
  const int64_t out = (hw + 2 * pad - k) / stride + 1;
  const Tensor g = random_tensor({n, o, out, out}, 4);
  for (auto _ : state) {
    Variable y = conv2d(x, w, b, stride, pad);
    y.backward(g);
    benchmark::DoNotOptimize(w.grad().data<float>());
    x.zero_grad(), w.zero_grad(), b.zero_grad();
  }
  const double flops = (state.range(7) ? 3 : 2) * 2.0 * static_cast<double>(n * o * out * out * c * k * k);
  state.counters["FLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Conv2dForwardBackward)
    ->Args({256, 1, 28, 6, 5, 1, 2, 0, 1})
    ->Args({256, 6, 14, 16, 5, 1, 0, 1, 1})
    ->Args({256, 6, 12, 16, 5, 1, 0, 1, 1})   // BatchNorm-LeNet's second layer (no padding in the first)
    ->Args({256, 1, 28, 6, 5, 1, 2, 0, 2})
    ->Args({256, 6, 14, 16, 5, 1, 0, 1, 2})
    // The ResNet example (examples/resnet.cpp): its stem, then a 3x3 layer of each stage.
    ->Args({256, 1, 28, 16, 7, 2, 3, 0, 1})
    ->Args({256, 16, 7, 16, 3, 1, 1, 1, 1})
    ->Args({256, 16, 7, 32, 3, 2, 1, 1, 1})
    ->Args({256, 32, 4, 32, 3, 1, 1, 1, 1})
    ->Args({256, 64, 2, 64, 3, 1, 1, 1, 1})
    // d2l's NiN on 28x28 images with 32 channels: its 1x1 layers on the full image and after a pool.
    ->Args({128, 32, 28, 32, 1, 1, 0, 1, 1})
    ->Args({128, 64, 13, 64, 1, 1, 0, 1, 1})
    ->ArgNames({"N", "C", "HW", "O", "k", "s", "pad", "dx", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// The forward alone, as in evaluation (no graph): Args N, C, HW, O, k, pad, threads.
void BM_Conv2dForward(benchmark::State& state) {
  const int64_t n = state.range(0), c = state.range(1), hw = state.range(2), o = state.range(3), k = state.range(4),
                pad = state.range(5);
  set_num_threads(static_cast<int>(state.range(6)));
  NoGradGuard no_grad;
  Variable x(random_tensor({n, c, hw, hw}, 1)), w(random_tensor({o, c, k, k}, 2)), b(random_tensor({o}, 3));
  const int64_t out = hw + 2 * pad - k + 1;
  for (auto _ : state) benchmark::DoNotOptimize(conv2d(x, w, b, {1, 1}, {pad, pad}).data().data<float>());
  state.counters["FLOP/s"] = benchmark::Counter(2.0 * static_cast<double>(n * o * out * out * c * k * k),
                                                benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Conv2dForward)
    ->Args({256, 1, 28, 6, 5, 2, 1})
    ->Args({256, 6, 14, 16, 5, 0, 1})
    ->ArgNames({"N", "C", "HW", "O", "k", "pad", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// Args: as BM_Conv2dForwardBackward, then what is fused. One LeNet block, the convolution, its
// sigmoid and a 2x2 average pool: as three ops (0), the sigmoid fused into the convolution (1),
// or all three as one (2: conv2d's activation and average_pool arguments, what Sequential runs).
void BM_LeNetBlock(benchmark::State& state) {
  const int64_t n = state.range(0), c = state.range(1), hw = state.range(2), o = state.range(3), k = state.range(4),
                pad = state.range(5);
  const int64_t fused = state.range(8);
  set_num_threads(static_cast<int>(state.range(7)));
  Variable x(random_tensor({n, c, hw, hw}, 1), state.range(6) != 0), w(random_tensor({o, c, k, k}, 2), true),
      b(random_tensor({o}, 3), true);
  const int64_t out = hw + 2 * pad - k + 1;
  const Tensor g = random_tensor({n, o, out / 2, out / 2}, 4);
  for (auto _ : state) {
    Variable y = fused == 2   ? conv2d(x, w, b, {1, 1}, {pad, pad}, {1, 1}, 1, Activation::Sigmoid, 2)
                 : fused == 1 ? avg_pool2d(conv2d(x, w, b, {1, 1}, {pad, pad}, {1, 1}, 1, Activation::Sigmoid), {2, 2}, {2, 2})
                              : avg_pool2d(sigmoid(conv2d(x, w, b, {1, 1}, {pad, pad})), {2, 2}, {2, 2});
    y.backward(g);
    benchmark::DoNotOptimize(w.grad().data<float>());
    x.zero_grad(), w.zero_grad(), b.zero_grad();
  }
}
BENCHMARK(BM_LeNetBlock)
    ->ArgsProduct({{256}, {1}, {28}, {6}, {5}, {2}, {0}, {1}, {0, 1, 2}})
    ->ArgsProduct({{256}, {6}, {14}, {16}, {5}, {0}, {1}, {1}, {0, 1, 2}})
    ->ArgNames({"N", "C", "HW", "O", "k", "pad", "dx", "threads", "fused"})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// The sgemm rate beside: one single-threaded cblas_sgemm of M x K @ K x N (the per-sample
// conv2 product is 16x150 @ 150x100; 256x784 @ 784x256 is an MLP layer).
void BM_Sgemm(benchmark::State& state) {
  const int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  set_blas_num_threads(1);
  (void)blas_info();  // the kernels minidl's own GEMMs use
  const Tensor a = random_tensor({m, k}, 5), b = random_tensor({k, n}, 6);
  std::vector<float> c(static_cast<size_t>(m * n));
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
                static_cast<int>(k), 1.0f, a.data<float>(), static_cast<int>(k), b.data<float>(),
                static_cast<int>(n), 0.0f, c.data(), static_cast<int>(n));
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["FLOP/s"] =
      benchmark::Counter(2.0 * static_cast<double>(m * k * n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Sgemm)
    ->Args({6, 25, 784})
    ->Args({16, 150, 100})
    ->Args({256, 784, 256})
    ->ArgNames({"M", "K", "N"})
    ->Unit(benchmark::kMicrosecond);

// Args: batch, channels, size, kernel, stride, padding, threads. The ResNet example's stem pool
// (3x3, stride 2, pad 1) and an Inception block's (stride 1).
void BM_MaxPool2dForwardBackward(benchmark::State& state) {
  const int64_t n = state.range(0), c = state.range(1), hw = state.range(2), k = state.range(3), stride = state.range(4),
                pad = state.range(5);
  set_num_threads(static_cast<int>(state.range(6)));
  Variable x(random_tensor({n, c, hw, hw}, 9), true);
  const int64_t out = (hw + 2 * pad - k) / stride + 1;
  const Tensor g = random_tensor({n, c, out, out}, 10);
  for (auto _ : state) {
    max_pool2d(x, k, stride, pad).backward(g);
    x.zero_grad();
  }
}
BENCHMARK(BM_MaxPool2dForwardBackward)
    ->Args({256, 16, 14, 3, 2, 1, 1})
    ->Args({256, 16, 14, 3, 1, 1, 1})
    ->ArgNames({"N", "C", "HW", "k", "s", "pad", "threads"})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

// Args: threads. LeNet's first pooling (and a BatchNorm-LeNet normalisation) on 256x6x28x28.
void BM_AvgPool2dForwardBackward(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  Variable x(random_tensor({256, 6, 28, 28}, 7), true);
  const Tensor g = random_tensor({256, 6, 14, 14}, 8);
  for (auto _ : state) {
    avg_pool2d(x, {2, 2}, {2, 2}).backward(g);
    x.zero_grad();
  }
}
BENCHMARK(BM_AvgPool2dForwardBackward)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

void BM_BatchNorm2dForwardBackward(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  Variable x(random_tensor({256, 6, 28, 28}, 9), true), w(Tensor::ones({6}), true), b(Tensor::zeros({6}), true);
  Tensor running_mean = Tensor::zeros({6}), running_var = Tensor::ones({6});
  const Tensor g = random_tensor({256, 6, 28, 28}, 10);
  for (auto _ : state) {
    batch_norm(x, w, b, &running_mean, &running_var, true, 0.1, 1e-5).backward(g);
    x.zero_grad(), w.zero_grad(), b.zero_grad();
  }
}
BENCHMARK(BM_BatchNorm2dForwardBackward)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// Args: threads. BatchNorm1d after BatchNorm-LeNet's first Linear layer: [256, 120].
void BM_BatchNorm1dForwardBackward(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  Variable x(random_tensor({256, 120}, 11), true), w(Tensor::ones({120}), true), b(Tensor::zeros({120}), true);
  Tensor running_mean = Tensor::zeros({120}), running_var = Tensor::ones({120});
  const Tensor g = random_tensor({256, 120}, 12);
  for (auto _ : state) {
    batch_norm(x, w, b, &running_mean, &running_var, true, 0.1, 1e-5).backward(g);
    x.zero_grad(), w.zero_grad(), b.zero_grad();
  }
}
BENCHMARK(BM_BatchNorm1dForwardBackward)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime()->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
