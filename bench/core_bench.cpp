// Core kernels beside their baselines, measured in the same run:
//   matmul vs a direct cblas_sgemm of the same shape (FLOP/s; target: within 5%),
//   elementwise add/relu vs memcpy of the same output size (bytes/s; target: >= 50% at 1e6),
//   sum over 1e6 floats, and a 2-element add (target: < 100 ns).
// The last argument of each benchmark is the thread count (set_num_threads); times are wall
// clock, so the 2-thread rows show the speed-up (on a quiet machine).
// Run: build/bin/core_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <cstring>
#include <vector>

#include "minidl/core.hpp"


using namespace minidl;

namespace {

Tensor random_tensor(const Shape& shape) {
  Generator gen(0);
  return Tensor::normal(shape, 0, 1, gen);
}

void set_flops(benchmark::State& state, int64_t m, int64_t k, int64_t n) {
  state.counters["FLOP/s"] =
      benchmark::Counter(2.0 * static_cast<double>(m * k * n), benchmark::Counter::kIsIterationInvariantRate);
}

// Args: M, K, N, threads.
void BM_Matmul(benchmark::State& state) {
  const int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  set_num_threads(static_cast<int>(state.range(3)));
  const Tensor a = random_tensor({m, k}), b = random_tensor({k, n});
  for (auto _ : state) benchmark::DoNotOptimize(matmul(a, b));
  set_flops(state, m, k, n);
}

// The baseline: one cblas_sgemm call on the same shape into a preallocated output, with
// OpenBLAS's own threads set to the same count (minidl keeps OpenBLAS at one thread).
void BM_CblasSgemm(benchmark::State& state) {
  const int64_t m = state.range(0), k = state.range(1), n = state.range(2);
  set_blas_num_threads(static_cast<int>(state.range(3)));
  const Tensor a = random_tensor({m, k}), b = random_tensor({k, n});
  std::vector<float> c(static_cast<size_t>(m * n));
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, static_cast<int>(m), static_cast<int>(n),
                static_cast<int>(k), 1.0f, a.data<float>(), static_cast<int>(k), b.data<float>(),
                static_cast<int>(n), 0.0f, c.data(), static_cast<int>(n));
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_blas_num_threads(1);
  set_flops(state, m, k, n);
}

void matmul_shapes(benchmark::internal::Benchmark* b) {
  for (int threads : {1, 2}) {
    b->Args({128, 784, 256, threads});
    b->Args({128, 256, 128, threads});
    b->Args({1024, 1024, 1024, threads});
  }
  b->ArgNames({"M", "K", "N", "threads"})->Unit(benchmark::kMicrosecond)->UseRealTime();
}
BENCHMARK(BM_Matmul)->Apply(matmul_shapes);
BENCHMARK(BM_CblasSgemm)->Apply(matmul_shapes);

// Bytes counted are those read plus written, so all three report memory bandwidth.
void BM_Add(benchmark::State& state) {
  const int64_t n = state.range(0);
  set_num_threads(static_cast<int>(state.range(1)));
  const Tensor a = random_tensor({n}), b = random_tensor({n});
  for (auto _ : state) benchmark::DoNotOptimize(add(a, b));
  state.SetBytesProcessed(state.iterations() * n * 3 * 4);
}

// One op over n random floats; bytes counted are those read plus written (memory bandwidth).
template <class Op>
void unary_bench(benchmark::State& state, Op op) {
  const int64_t n = state.range(0);
  set_num_threads(static_cast<int>(state.range(1)));
  const Tensor a = random_tensor({n});
  for (auto _ : state) benchmark::DoNotOptimize(op(a));
  state.SetBytesProcessed(state.iterations() * n * 2 * 4);
}

void BM_Relu(benchmark::State& state) { unary_bench(state, [](const Tensor& a) { return relu(a); }); }
// Activations with arithmetic in them: tanh (a polynomial or an exponential per element) and
// leaky_relu (a multiply on one side of a select); both should run near relu's speed.
void BM_Tanh(benchmark::State& state) { unary_bench(state, [](const Tensor& a) { return tanh(a); }); }
void BM_LeakyRelu(benchmark::State& state) { unary_bench(state, [](const Tensor& a) { return leaky_relu(a, 0.01f); }); }
void BM_Exp(benchmark::State& state) { unary_bench(state, [](const Tensor& a) { return exp(a); }); }

// Over the last dim of [rows, classes]: a classifier's 10 classes and an ImageNet-sized 1000.
template <class Op>
void softmax_bench(benchmark::State& state, Op op) {
  set_num_threads(static_cast<int>(state.range(2)));
  const Tensor a = random_tensor({state.range(0), state.range(1)});
  for (auto _ : state) benchmark::DoNotOptimize(op(a));
  state.SetBytesProcessed(state.iterations() * state.range(0) * state.range(1) * 2 * 4);
}

void BM_Softmax(benchmark::State& state) { softmax_bench(state, [](const Tensor& a) { return softmax(a, 1); }); }
void BM_LogSoftmax(benchmark::State& state) { softmax_bench(state, [](const Tensor& a) { return log_softmax(a, 1); }); }

void softmax_shapes(benchmark::internal::Benchmark* b) {
  for (int threads : {1, 2})
    for (int64_t classes : {10, 1000}) b->Args({256, classes, threads});
  b->ArgNames({"rows", "classes", "threads"})->UseRealTime();
}
BENCHMARK(BM_Softmax)->Apply(softmax_shapes);
BENCHMARK(BM_LogSoftmax)->Apply(softmax_shapes);

// x.t().contiguous() of a [256, 1024] matrix: a strided read of every element, against memcpy of
// the same bytes (BM_Memcpy/n:262144).
void BM_TransposedContiguous(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const Tensor a = random_tensor({256, 1024});
  for (auto _ : state) benchmark::DoNotOptimize(a.t().contiguous());
  state.SetBytesProcessed(state.iterations() * 256 * 1024 * 2 * 4);
}
BENCHMARK(BM_TransposedContiguous)->Arg(1)->Arg(2)->ArgName("threads")->UseRealTime();

// The baseline: memcpy of n floats (the output size of add/relu) between existing buffers.
void BM_Memcpy(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<float> src(static_cast<size_t>(n), 1.0f), dst(static_cast<size_t>(n));
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), static_cast<size_t>(n) * sizeof(float));
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * n * 2 * 4);
}

void elementwise_sizes(benchmark::internal::Benchmark* b) {
  for (int threads : {1, 2})
    for (int64_t n : {1000, 1000000}) b->Args({n, threads});
  b->ArgNames({"n", "threads"})->UseRealTime();
}
BENCHMARK(BM_Add)->Apply(elementwise_sizes);
BENCHMARK(BM_Relu)->Apply(elementwise_sizes);
BENCHMARK(BM_Tanh)->Apply(elementwise_sizes);
BENCHMARK(BM_Exp)->Apply(elementwise_sizes);
BENCHMARK(BM_LeakyRelu)->Apply(elementwise_sizes);
BENCHMARK(BM_Memcpy)->Args({1000, 1})->Args({262144, 1})->Args({1000000, 1})->ArgNames({"n", "threads"})->UseRealTime();

void BM_Sum(benchmark::State& state) {
  const int64_t n = state.range(0);
  set_num_threads(static_cast<int>(state.range(1)));
  const Tensor a = random_tensor({n});
  for (auto _ : state) benchmark::DoNotOptimize(sum(a));
  state.SetBytesProcessed(state.iterations() * n * 4);
}
BENCHMARK(BM_Sum)->Args({1000000, 1})->Args({1000000, 2})->ArgNames({"n", "threads"})->UseRealTime();

// The per-op overhead on tiny tensors: one output allocation and a 2-element loop.
void BM_AddTwoElements(benchmark::State& state) {
  const Tensor a = Tensor::from({1, 2}), b = Tensor::from({3, 4});
  for (auto _ : state) benchmark::DoNotOptimize(add(a, b));
}
BENCHMARK(BM_AddTwoElements);

}  // namespace

BENCHMARK_MAIN();
