// Cost of recording and running the graph: one d2l linear-regression step (batch 10) and one
// MLP 64-128-10 step with cross-entropy (batch 32), allocations per step counted.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "minidl/autograd.hpp"

using namespace minidl;

namespace {
std::atomic<int64_t> allocations{0};
}  // namespace

// Counting every heap allocation of the process is what "allocations per step" means.
// (GCC cannot see that the replaced operator new below pairs with free: its warning is wrong.)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(size_t n) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace {

// Times step() after one warm-up call and reports the heap allocations each step makes.
template <class Step>
void time_steps(benchmark::State& state, Step&& step) {
  step();
  const int64_t before = allocations.load();
  for (auto _ : state) step();
  state.counters["allocs_per_step"] =
      static_cast<double>(allocations.load() - before) / static_cast<double>(state.iterations());
}

// One d2l linear-regression step (batch 10); `d2l_update` writes the SGD update as d2l does,
// p -= lr * p.grad / batch_size (two temporaries), instead of one fused add_.
void linreg_step(benchmark::State& state, bool d2l_update) {
  Generator gen(0);
  const Tensor xb = Tensor::normal({10, 2}, 0, 1, gen);
  const Tensor yb = Tensor::normal({10, 1}, 0, 1, gen);
  Variable w(Tensor::normal({2, 1}, 0, 0.01f, gen), true);
  Variable b(Tensor::zeros({1}), true);
  const float lr = 0.03f;
  time_steps(state, [&] {
    Variable l = pow(matmul(xb, w) + b - yb, 2) / 2;
    sum(l).backward();
    NoGradGuard no_grad;
    for (Variable* p : {&w, &b}) {
      if (d2l_update) *p -= lr * p->grad() / 10.0f;
      else p->data().add_(p->grad(), -lr / 10);
      p->zero_grad();
    }
  });
}

void BM_LinregStep(benchmark::State& state) { linreg_step(state, false); }
BENCHMARK(BM_LinregStep);

void BM_LinregStepD2lUpdate(benchmark::State& state) { linreg_step(state, true); }
BENCHMARK(BM_LinregStepD2lUpdate);

void BM_MlpStep(benchmark::State& state) {
  Generator gen(0);
  const Tensor xb = Tensor::normal({32, 64}, 0, 1, gen);
  std::vector<int64_t> labels(32);
  for (auto& l : labels) l = static_cast<int64_t>(gen.below(10));
  const Tensor yb = Tensor::from_int64(labels, {32});
  Variable w1(Tensor::normal({128, 64}, 0, 0.1f, gen), true), b1(Tensor::zeros({128}), true);
  Variable w2(Tensor::normal({10, 128}, 0, 0.1f, gen), true), b2(Tensor::zeros({10}), true);
  time_steps(state, [&] {
    Variable loss = cross_entropy(linear(relu(linear(xb, w1, b1)), w2, b2), yb);
    loss.backward();
    NoGradGuard no_grad;
    for (Variable* p : {&w1, &b1, &w2, &b2}) {
      p->data().add_(p->grad(), -0.01f);
      p->zero_grad();
    }
  });
}
BENCHMARK(BM_MlpStep);

}  // namespace

BENCHMARK_MAIN();
