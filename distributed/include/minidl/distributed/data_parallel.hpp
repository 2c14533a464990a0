#pragma once
// DataParallel: keeps the replicas of a model identical across the processes of a run —
// rank 0's parameters and buffers at the start, the same combined gradient every step,
// averaged buffers (BatchNorm's running statistics) when asked. With a DataLoader built with
// {.num_replicas = world.size(), .rank = world.rank()}, each step equals the step one process
// takes on the whole global batch:
//
//   distributed::DataParallel replicas(world, net);        // rank 0's weights everywhere
//   for (auto& [xb, yb] : loader) {                        // this rank's rows of the batch
//     opt->zero_grad();
//     loss_fn(net(xb), yb).backward();                     // a mean over this rank's rows
//     replicas.allreduce_gradients(loader);                // the global batch's gradient
//     opt->step();
//   }
#include <exception>
#include <vector>

#include "minidl/data/data_loader.hpp"
#include "minidl/distributed/communicator.hpp"
#include "minidl/nn/module.hpp"

namespace minidl::distributed {

class DataParallel {
 public:
  /// Broadcasts rank 0's parameters and buffers of `model` into every process's `model`.
  DataParallel(Communicator comm, nn::Module& model);

  const Communicator& communicator() const { return comm_; }

  /// Replaces every process's gradients with the sum over processes of weight x gradient (a
  /// missing gradient counts as zero) in one MPI_Allreduce, and returns the sum of the
  /// processes' weight x `value` (e.g. the batch loss). For a loss averaged over each
  /// process's rows, weight = its rows / the global batch's rows. `failure` (this process's
  /// exception in the step, if any) is carried in the same collective: when any process failed,
  /// every process throws (see raise_if_any_failed).
  double allreduce_gradients(double weight, double value = 0.0, std::exception_ptr failure = nullptr);
  /// The same with the weight of `loader`'s current batch for a mean loss: this rank's rows of
  /// it over the global batch's rows.
  double allreduce_gradients(const data::DataLoader& loader, double value = 0.0);

  /// Replaces every float buffer (running means and variances) with its mean over processes.
  void average_buffers();
  /// Copies rank 0's parameters and buffers into every process.
  void broadcast_state();

 private:
  Communicator comm_;
  std::vector<Variable> parameters_;
  std::vector<Tensor> buffers_;
  std::vector<float> flat_;  // the gradients, the value and the failure count of one step
};

/// The weight of `loader`'s current (last handed out) batch for a mean loss.
double batch_weight(const data::DataLoader& loader);

}  // namespace minidl::distributed
