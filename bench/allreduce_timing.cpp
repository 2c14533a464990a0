// The gradient allreduce of one data-parallel step of configs/mlp_large.yaml's model
// (784-256-128-10, 235k parameters): `mpirun -np 2 build/bin/allreduce_timing [steps] [bucket bytes]`.
// Rank 0 prints the median and mean time per allreduce_gradients call, of a one-float allreduce
// (the latency term of the cost model) and of the Adam step every rank takes whole; then of a
// whole training step (64 rows per rank: forward, backward, gradient sums, Adam) with the
// gradient sums started after backward, and with them overlapping backward (expect_backward).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <minidl/core/parallel.hpp>
#include <minidl/distributed.hpp>
#include <minidl/nn.hpp>
#include <minidl/optim.hpp>

using namespace minidl;
using Clock = std::chrono::steady_clock;
using DataParallelOptions = distributed::DataParallel::Options;

// Median and mean of `times` in microseconds.
void report(const char* what, std::vector<double> times) {
  std::sort(times.begin(), times.end());
  double sum = 0;
  for (double t : times) sum += t;
  std::printf("%-34s median %8.1f us  mean %8.1f us  (%zu calls)\n", what, times[times.size() / 2],
              sum / static_cast<double>(times.size()), times.size());
}

int main(int argc, char** argv) {
  distributed::Environment mpi;
  const distributed::Communicator world = distributed::Communicator::world();
  const int steps = argc > 1 ? std::atoi(argv[1]) : 500;
  const size_t bucket_bytes = argc > 2 ? static_cast<size_t>(std::atol(argv[2])) : DataParallelOptions{}.bucket_bytes;
  set_num_threads(1);  // one process per core
  Generator gen(0);
  nn::Sequential net{nn::Linear(784, 256, true, gen), nn::ReLU(), nn::Linear(256, 128, true, gen), nn::ReLU(),
                     nn::Linear(128, 10, true, gen)};
  for (Variable p : net.parameters()) p.set_grad(Tensor::ones(p.data().shape()));
  distributed::DataParallel replicas(world, net);

  auto adam = optim::make("adam", net.named_parameters(), {{"lr", 1e-3}});
  std::vector<double> full, tiny, update;
  std::vector<float> one(1);
  for (int i = 0; i < steps + 20; ++i) {
    const auto start = Clock::now();
    replicas.allreduce_gradients(0.5, 1.0);
    const auto middle = Clock::now();
    world.allreduce_sum(one);
    const auto end = Clock::now();
    adam->step();
    const auto stepped = Clock::now();
    if (i < 20) continue;  // warm-up: connections, caches
    full.push_back(std::chrono::duration<double, std::micro>(middle - start).count());
    tiny.push_back(std::chrono::duration<double, std::micro>(end - middle).count());
    update.push_back(std::chrono::duration<double, std::micro>(stepped - end).count());
  }
  // Whole steps, the two ways alternating (so both see the same machine load).
  std::vector<double> after, overlapped;
  Generator init(0);
  nn::Sequential model{nn::Linear(784, 256, true, init), nn::ReLU(), nn::Linear(256, 128, true, init), nn::ReLU(),
                       nn::Linear(128, 10, true, init)};
  distributed::DataParallel plain(world, model, {.overlap = false});
  distributed::DataParallel hooked(world, model, {.bucket_bytes = bucket_bytes, .overlap = true});
  auto optimizer = optim::make("adam", model.named_parameters(), {{"lr", 1e-3}});
  Generator data(static_cast<uint64_t>(world.rank()));
  for (int i = 0; i < 2 * (steps + 20); ++i) {
    const bool overlap = i % 2 == 1;
    const Tensor x = Tensor::normal({64, 784}, 0.0f, 1.0f, data);
    const auto start = Clock::now();
    optimizer->zero_grad(/*set_to_none=*/true);
    distributed::DataParallel& replicas = overlap ? hooked : plain;
    replicas.expect_backward(0.5);
    Variable loss = mean(model(Variable(x)));
    loss.backward();
    replicas.allreduce_gradients(0.5, loss.item());
    optimizer->step();
    const auto end = Clock::now();
    if (i >= 40) (overlap ? overlapped : after).push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  if (world.rank() != 0) return 0;
  std::printf("%d processes, %lld parameters (%.3f MB of float32 gradients)\n", world.size(),
              static_cast<long long>(net.num_parameters()), 4.0 * static_cast<double>(net.num_parameters()) / 1e6);
  report("allreduce_gradients (one step):", full);
  report("allreduce of one float (latency):", tiny);
  report("Adam step (every rank, whole):", update);
  report("step, sums after backward:", after);
  report("step, sums during backward:", overlapped);
  return 0;
}
