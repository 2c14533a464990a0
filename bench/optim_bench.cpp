// Optimizer steps are memory-bound passes over parameters, gradients and state. Each step
// benchmark reports bytes/s (every array read or written once) beside a plain copy loop
// moving the same number of bytes in the same run; the target is >= 60% of the copy's rate.
//
//   build/bin/optim_bench --benchmark_filter='Adam|SGD|Copy'
#include <benchmark/benchmark.h>

#include <minidl/core/parallel.hpp>
#include <minidl/optim.hpp>

namespace {

using namespace minidl;

// Arrays each step touches: Adam reads p, g, m, v and writes p, m, v; SGD with momentum
// reads p, g, buf and writes p, buf.
constexpr int64_t kAdamArrays = 7;
constexpr int64_t kMomentumArrays = 5;

void optimizer_step(benchmark::State& state, const char* name, const optim::OptionMap& options,
                    int64_t arrays) {
  const int64_t n = state.range(0);
  Variable w(Tensor::full({n}, 0.5f), true);
  w.set_grad(Tensor::full({n}, 0.01f));
  auto optimizer = optim::make(name, {w}, options);
  optimizer->step();  // creates the state outside the timed loop
  for (auto _ : state) {
    optimizer->step();
    benchmark::DoNotOptimize(w.data().data<float>());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * n * arrays * int64_t{sizeof(float)});
}

void BM_AdamStep(benchmark::State& state) { optimizer_step(state, "adam", {}, kAdamArrays); }
void BM_SGDMomentumStep(benchmark::State& state) {
  optimizer_step(state, "momentum", {{"lr", 0.01}}, kMomentumArrays);
}

// Copies half the bytes an optimizer step of range(0) parameters over `arrays` arrays moves,
// so that reads + writes are the same number of bytes.
void copy_like(benchmark::State& state, int64_t arrays) {
  const int64_t n = state.range(0) * arrays / 2;
  Tensor src = Tensor::full({n}, 1.0f);
  Tensor dst = Tensor::zeros({n});
  const float* s = src.data<float>();
  float* d = dst.data<float>();
  for (auto _ : state) {
    parallel_for(n, kGrainSize, [=](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) d[i] = s[i];
    });
    benchmark::DoNotOptimize(d);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * 2 * n * int64_t{sizeof(float)});
}

void BM_CopyLikeAdam(benchmark::State& state) { copy_like(state, kAdamArrays); }
void BM_CopyLikeSGDMomentum(benchmark::State& state) { copy_like(state, kMomentumArrays); }

BENCHMARK(BM_CopyLikeAdam)
    ->Arg(1 << 20)
    ->Arg(10 << 20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_AdamStep)->Arg(1 << 20)->Arg(10 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CopyLikeSGDMomentum)
    ->Arg(1 << 20)
    ->Arg(10 << 20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_SGDMomentumStep)
    ->Arg(1 << 20)
    ->Arg(10 << 20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
