// One epoch of shuffled batches of 128 from a 60000 x 784 float dataset (MNIST-sized, 188 MB):
// the gather alone, the whole DataLoader (prefetch 0 and 2) over flat rows and over the same
// bytes as [60000, 1, 28, 28] images, a memcpy of the same bytes for scale, and how long a
// training loop waits for its next batch when each step takes about twice as long as
// assembling a batch. And reading Fashion-MNIST's 60000 training images from their gzip IDX file,
// beside `gzip -dc` of the same file (when the Debian package is installed).
#include <benchmark/benchmark.h>

#include <sys/mman.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

#include "minidl/core/parallel.hpp"
#include "minidl/data.hpp"

using namespace minidl;

namespace {

constexpr int64_t kRows = 60000;
constexpr int64_t kWidth = 784;
constexpr int64_t kBatch = 128;
constexpr double kEpochBytes = static_cast<double>(kRows * kWidth * sizeof(float));

// Built once and touched, so page faults are not timed. With `huge_pages`, the storage is
// advised to use 2 MB pages before it is first written (only possible before the first touch,
// so only where the storage is allocated: this shows what core's Storage would gain by doing it
// for large blocks). Random 3 KB rows then stop missing the TLB.
const std::shared_ptr<const data::Dataset>& mnist_sized(bool huge_pages = false) {
  static const auto make = [](bool huge) {
    Tensor x = Tensor::empty({kRows, kWidth});
    if (huge) {
      constexpr uintptr_t kHuge = uintptr_t{2} << 20;
      const auto begin = (reinterpret_cast<uintptr_t>(x.data<float>()) + kHuge - 1) & ~(kHuge - 1);
      const auto end = (reinterpret_cast<uintptr_t>(x.data<float>() + kRows * kWidth)) & ~(kHuge - 1);
      if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
    }
    float* p = x.data<float>();
    for (int64_t i = 0; i < kRows * kWidth; ++i) p[i] = static_cast<float>(i % 251) / 251.0f;
    Tensor y = Tensor::empty({kRows}, DType::Int64);
    int64_t* q = y.data<int64_t>();
    for (int64_t i = 0; i < kRows; ++i) q[i] = i % 10;
    return data::share(data::TensorDataset(x, y));
  };
  static const auto plain = make(false);
  if (!huge_pages) return plain;
  static const auto huge = make(true);
  return huge;
}

// The same features (and storage) as images [1, 28, 28]: an image epoch should cost what a flat one does.
const std::shared_ptr<const data::Dataset>& mnist_images() {
  static const auto images = [] {
    const auto& flat = static_cast<const data::TensorDataset&>(*mnist_sized());
    return data::share(data::TensorDataset(flat.features().view({kRows, 1, 28, 28}), flat.targets()));
  }();
  return images;
}

void report_bandwidth(benchmark::State& state) {
  state.SetBytesProcessed(static_cast<int64_t>(kEpochBytes) * state.iterations());
}

// The reference: one memcpy of an epoch's bytes (split in fixed chunks over the threads).
void BM_Memcpy(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const auto& source = static_cast<const data::TensorDataset&>(*mnist_sized()).features();
  Tensor target = Tensor::zeros(source.shape());
  const auto* from = reinterpret_cast<const std::byte*>(source.data<float>());
  auto* to = reinterpret_cast<std::byte*>(target.data<float>());
  const auto bytes = static_cast<int64_t>(kEpochBytes);
  for (auto _ : state) {
    parallel_chunks(bytes, bytes / state.range(0), [&](int64_t begin, int64_t end) {
      std::memcpy(to + begin, from + begin, static_cast<size_t>(end - begin));
    });
    benchmark::ClobberMemory();
  }
  report_bandwidth(state);
}
BENCHMARK(BM_Memcpy)->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();

// The gather alone: the epoch's permutation, then get_batch into one preallocated batch.
void BM_GatherEpoch(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const data::Dataset& dataset = *mnist_sized(state.range(1) == 1);
  data::Batch batch = dataset.allocate_batch(kBatch);
  uint64_t epoch = 0;
  for (auto _ : state) {
    Generator gen(0, epoch++);
    const Tensor order = Tensor::randperm(kRows, gen);
    const int64_t* index = order.data<int64_t>();
    for (int64_t start = 0; start < kRows; start += kBatch) {
      const int64_t count = std::min(kBatch, kRows - start);
      if (count == kBatch) {
        dataset.get_batch({index + start, static_cast<size_t>(count)}, batch.features, batch.targets);
      } else {
        Tensor x = batch.features.narrow(0, 0, count), y = batch.targets.narrow(0, 0, count);
        dataset.get_batch({index + start, static_cast<size_t>(count)}, x, y);
      }
      benchmark::DoNotOptimize(batch.features.data<float>());
    }
  }
  report_bandwidth(state);
}
BENCHMARK(BM_GatherEpoch)
    ->ArgsProduct({{1, 2}, {0, 1}})
    ->ArgNames({"threads", "huge_pages"})->Unit(benchmark::kMillisecond)->UseRealTime();

// The whole loader over `dataset`, as a training loop sees it, with an empty loop body; the
// state's first two arguments are the threads and the prefetch depth.
void loader_epochs(benchmark::State& state, const std::shared_ptr<const data::Dataset>& dataset) {
  set_num_threads(static_cast<int>(state.range(0)));
  data::DataLoader loader(dataset, {.batch_size = kBatch, .shuffle = true, .seed = 0,
                                    .prefetch = static_cast<int>(state.range(1))});
  for (auto _ : state)
    for (auto& [xb, yb] : loader) benchmark::DoNotOptimize(xb.data<float>());
  report_bandwidth(state);
}

void BM_LoaderEpoch(benchmark::State& state) { loader_epochs(state, mnist_sized(state.range(2) == 1)); }
BENCHMARK(BM_LoaderEpoch)
    ->ArgsProduct({{1, 2}, {0, 2}, {0, 1}})
    ->ArgNames({"threads", "prefetch", "huge_pages"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The loader over [60000, 1, 28, 28] images (Fashion-MNIST's shape).
void BM_LoaderImageEpoch(benchmark::State& state) { loader_epochs(state, mnist_images()); }
BENCHMARK(BM_LoaderImageEpoch)
    ->ArgsProduct({{1, 2}, {0, 2}})
    ->ArgNames({"threads", "prefetch"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

using Clock = std::chrono::steady_clock;

void spin_for(Clock::duration d) {
  const auto until = Clock::now() + d;
  while (Clock::now() < until) {
  }
}

// A training loop whose step lasts twice a batch's assembly counts the time it waits in begin()
// and ++ for its batches; with prefetch it should be ~0. The step is a spin (compute, which
// keeps a core busy) or a sleep (which leaves the producer a core even on a loaded machine).
void BM_LoaderWait(benchmark::State& state) {
  set_num_threads(static_cast<int>(state.range(0)));
  const int prefetch = static_cast<int>(state.range(1));
  const bool sleeping = state.range(2) == 1;
  data::DataLoader loader(mnist_sized(), {.batch_size = kBatch, .shuffle = true, .seed = 0, .prefetch = prefetch});
  // Assembly time per batch, measured here on the caller's thread.
  data::DataLoader probe(mnist_sized(), {.batch_size = kBatch, .shuffle = true, .seed = 0, .prefetch = 0});
  const auto probe_start = Clock::now();
  for (auto& batch : probe) benchmark::DoNotOptimize(batch.features.data<float>());
  const auto assembly = (Clock::now() - probe_start) / probe.size();
  const auto step = 2 * assembly;

  Clock::duration waited{};
  for (auto _ : state) {
    auto before = Clock::now();
    auto it = loader.begin();  // the first batch of an epoch is assembled here, not ahead
    waited += Clock::now() - before;
    while (!(it == loader.end())) {
      if (sleeping)
        std::this_thread::sleep_for(step);
      else
        spin_for(step);
      before = Clock::now();
      ++it;
      waited += Clock::now() - before;
    }
  }
  const auto batches = static_cast<double>(state.iterations() * loader.size());
  using us = std::chrono::duration<double, std::micro>;
  state.counters["assembly_us"] = us(assembly).count();
  state.counters["step_us"] = us(step).count();
  state.counters["wait_us_per_batch"] = us(waited).count() / batches;
  state.counters["wait_ms_per_epoch"] = us(waited).count() / 1000.0 / static_cast<double>(state.iterations());
}
BENCHMARK(BM_LoaderWait)
    ->ArgsProduct({{1, 2}, {0, 2}, {0, 1}})
    ->ArgNames({"threads", "prefetch", "sleep"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(5);

constexpr const char* kFashionMnistImages = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";

// Inflating, converting to float32 and the fresh pages of the 188 MB tensor: a run's loading.
void BM_ReadFashionMnistImages(benchmark::State& state) {
  if (!std::filesystem::exists(kFashionMnistImages)) {
    state.SkipWithError("dataset-fashion-mnist is not installed");
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(minidl::data::read_idx_images(kFashionMnistImages));
}
BENCHMARK(BM_ReadFashionMnistImages)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
