// examples/digits_mlp.cpp trained data-parallel: run it as `mpirun -np 2 build/bin/data_parallel`
// (from the repository root). Four lines differ from the one-process program: MPI's lifetime,
// the loader's share of each global batch of 32, rank 0's weights everywhere, and the gradient
// allreduce; the model is the one-process model up to float rounding. Rank 0 prints and saves.
#include <cstdio>

#include <minidl/autograd.hpp>
#include <minidl/data.hpp>
#include <minidl/distributed.hpp>
#include <minidl/nn.hpp>
#include <minidl/optim.hpp>

using namespace minidl;

// Trains this process's share; rank 0 saves the weights to `weights_path`. 0 when the model
// reaches 95% validation accuracy.
int train(const distributed::Communicator& world, const char* weights_path) {
  const uint64_t seed = 0;
  data::CsvOptions csv;
  csv.scale = 1.0f / 16.0f;
  auto [train_set, validation_set] = data::split(data::CsvDataset("examples/datasets/digits.csv", csv), 0.2, seed);

  Generator gen(seed);
  nn::Sequential net{nn::Linear(64, 128, true, gen), nn::ReLU(), nn::Linear(128, 10, true, gen)};
  auto optimizer = optim::make("adam", net.named_parameters(), {{"lr", 1e-3}});
  nn::CrossEntropyLoss loss_fn;
  // batch_size is the global batch; this process gets its share of every batch.
  data::DataLoader loader(train_set, {.batch_size = 32, .shuffle = true, .seed = seed,
                                      .num_replicas = world.size(), .rank = world.rank()});
  distributed::DataParallel replicas(world, net);  // rank 0's weights in every process

  for (int epoch = 1; epoch <= 20; ++epoch) {
    double loss_sum = 0.0;
    for (auto& [xb, yb] : loader) {
      optimizer->zero_grad();
      replicas.expect_backward(loader);  // gradients travel while backward runs
      Variable loss = loss_fn(net(xb), yb);
      loss.backward();
      loss_sum += replicas.allreduce_gradients(loader, loss.item());  // the global batch's gradient and loss
      optimizer->step();
    }
    if (world.rank() == 0)
      std::printf("epoch %d, train loss %.4f\n", epoch, loss_sum / static_cast<double>(loader.size()));
  }
  // Every process holds the same model: rank 0 checks and saves it.
  if (world.rank() != 0) return 0;
  NoGradGuard no_grad;
  net.eval();
  const data::Batch all = validation_set->all();
  const std::vector<int64_t> predicted = argmax(net(all.features).data(), 1).to_int64_vector();
  const std::vector<int64_t> target = all.targets.to_int64_vector();
  int64_t correct = 0;
  for (size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == target[i];
  const double val_accuracy = static_cast<double>(correct) / static_cast<double>(predicted.size());
  std::printf("%d processes: validation accuracy %.4f\n", world.size(), val_accuracy);
  nn::save(net, weights_path);
  return val_accuracy >= 0.95 ? 0 : 1;
}

int main(int argc, char** argv) {
  distributed::Environment mpi;  // MPI_Init ... MPI_Finalize
  const distributed::Communicator world = distributed::Communicator::world();
  try {
    return train(world, argc > 1 ? argv[1] : "data_parallel.safetensors");
  } catch (const Error& e) {  // no data (run it from the repository root), weights it cannot write
    std::fprintf(stderr, "data_parallel: rank %d: %s\n", world.rank(), e.what());
    return 1;
  }
}
