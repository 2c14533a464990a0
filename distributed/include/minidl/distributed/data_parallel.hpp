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
//     replicas.expect_backward(loader);                    // optional: overlap (see there)
//     loss_fn(net(xb), yb).backward();                     // a mean over this rank's rows
//     replicas.allreduce_gradients(loader);                // the global batch's gradient
//     opt->step();
//   }
//
// The gradients travel in buckets (parameters in the order backward produced their gradients in
// the first step, rank 0's; reverse registration order before that); after expect_backward, each bucket's sum starts (MPI_Iallreduce) as soon as
// backward has made all of its gradients, while backward goes on, as PyTorch's DDP does.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <vector>

#include "minidl/data/data_loader.hpp"
#include "minidl/distributed/communicator.hpp"
#include "minidl/distributed/pending_sums.hpp"
#include "minidl/nn/module.hpp"

namespace minidl::distributed {

class DataParallel {
 public:
  struct Options {
    /// A bucket closes once it holds this many bytes of gradients (or one larger parameter).
    size_t bucket_bytes = size_t{256} << 10;
    /// false: expect_backward does nothing and every bucket starts in allreduce_gradients.
    bool overlap = true;
  };

  /// Broadcasts rank 0's parameters and buffers of `model` into every process's `model`, and
  /// hooks its parameters' gradients (removed with the object; `model` must outlive it).
  DataParallel(Communicator comm, nn::Module& model) : DataParallel(comm, model, Options{}) {}
  DataParallel(Communicator comm, nn::Module& model, Options options);
  ~DataParallel();
  DataParallel(const DataParallel&) = delete;
  DataParallel& operator=(const DataParallel&) = delete;

  const Communicator& communicator() const { return comm_; }

  /// Arms the overlap for the next backward, with the `weight` this process will pass to
  /// allreduce_gradients: each gradient is weighted into its bucket as backward finishes it,
  /// and full buckets start their sums. One backward per call (a gradient ready twice is an
  /// Error); skip it to accumulate several backwards before allreduce_gradients.
  void expect_backward(double weight);
  /// The same with the weight of `loader`'s current batch (see batch_weight).
  void expect_backward(const data::DataLoader& loader);

  /// Replaces every process's gradients with the sum over processes of weight x gradient (a
  /// missing gradient counts as zero): starts the buckets backward did not start, waits for
  /// all of them, and returns the sum of the
  /// processes' weight x `value` (e.g. the batch loss). For a loss averaged over each
  /// process's rows, weight = its rows / the global batch's rows. `failure` (this process's
  /// exception in the step, if any) is carried in the same collective: when any process failed,
  /// every process throws (see raise_if_any_failed). A weight other than expect_backward's is
  /// such a failure too.
  double allreduce_gradients(double weight, double value = 0.0, std::exception_ptr failure = nullptr);
  /// The same with the weight of `loader`'s current batch for a mean loss: this rank's rows of
  /// it over the global batch's rows.
  double allreduce_gradients(const data::DataLoader& loader, double value = 0.0);

  /// Replaces every float buffer (running means and variances) with its mean over processes.
  void average_buffers();
  /// Copies rank 0's parameters and buffers into every process.
  void broadcast_state();

 private:
  // Where one parameter's weighted gradient goes: its bucket and offset there.
  struct Slot {
    size_t bucket = 0;
    size_t offset = 0;
    bool filled = false;
  };
  struct Bucket {
    std::vector<float> values;
    size_t slots = 0;
    size_t filled = 0;
  };
  void on_grad_ready(size_t slot, const Tensor& grad);
  // Assigns the parameters, in `order`, to buckets of options_.bucket_bytes.
  void layout_buckets(const std::vector<size_t>& order);
  // After the first step (a collective): buckets in the order rank 0's gradients came.
  void follow_backward_order();
  // Writes weight x `grad` (zeros when undefined) into the slot's place in its bucket.
  void fill(size_t slot, const Tensor& grad, float weight);
  // Starts the buckets, in order, that are full (all of them when `all`).
  void start_buckets(bool all);
  void reset_step();

  Communicator comm_;
  Options options_;
  std::vector<Variable> parameters_;
  std::vector<Tensor> buffers_;
  std::vector<Slot> slots_;      // per parameter, in registration order
  std::vector<Bucket> buckets_;  // in the order backward fills them
  std::vector<uint64_t> hooks_;
  std::vector<size_t> ready_order_;  // the slots in the order the first step's hooks saw them
  bool ordered_ = false;
  size_t started_ = 0;               // buckets started this step (always a prefix)
  std::optional<double> expected_;   // expect_backward's weight
  std::vector<float> tail_;          // the weighted value and the failure count of one step
  PendingSums pending_;
};

/// The weight of `loader`'s current (last handed out) batch for a mean loss.
double batch_weight(const data::DataLoader& loader);

}  // namespace minidl::distributed
