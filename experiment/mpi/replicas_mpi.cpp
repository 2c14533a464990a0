// join_replicas() of a build with MPI: distributed/'s collectives behind the trainer's Replicas.
#include <optional>

#include "minidl/distributed/communicator.hpp"
#include "minidl/distributed/data_parallel.hpp"
#include "minidl/distributed/failure.hpp"
#include "minidl/experiment/replicas.hpp"

namespace minidl::experiment {

namespace {

class MpiReplicas : public Replicas {
 public:
  MpiReplicas() : comm_(distributed::Communicator::world()) {}

  int rank() const override { return comm_.rank(); }
  int size() const override { return comm_.size(); }

  void together(const std::function<void()>& step) override {
    std::exception_ptr failure;
    try {
      step();
    } catch (...) {
      failure = std::current_exception();
    }
    raise(failure);
  }
  bool failure_shared() const override { return shared_; }
  [[noreturn]] void abort(int status) override { comm_.abort(status); }

  void broadcast(std::vector<uint8_t>& bytes) override { comm_.broadcast(bytes); }
  void sum(std::span<double> values) override { comm_.allreduce_sum(values); }

  void attach(nn::Module& model) override { parallel_.emplace(comm_, model); }
  void expect_backward(double weight) override {
    if (parallel_) parallel_->expect_backward(weight);
  }
  double combine_gradients(double weight, double loss, std::exception_ptr failure) override {
    if (!parallel_) return Replicas::combine_gradients(weight, loss, failure);
    try {
      return parallel_->allreduce_gradients(weight, loss, failure);
    } catch (...) {
      shared_ = true;  // allreduce_gradients throws on every process, or on none
      throw;
    }
  }
  void average_buffers() override {
    if (parallel_) parallel_->average_buffers();
  }

 private:
  void raise(std::exception_ptr failure) {
    try {
      distributed::raise_if_any_failed(comm_, failure);
    } catch (...) {
      shared_ = true;
      throw;
    }
  }

  // Declared first: MPI lives for as long as the object.
  distributed::Environment environment_;
  distributed::Communicator comm_;
  std::optional<distributed::DataParallel> parallel_;
  bool shared_ = false;
};

}  // namespace

std::unique_ptr<Replicas> join_replicas() {
  if (!distributed::launched_by_mpi()) return std::make_unique<Replicas>();
  return std::make_unique<MpiReplicas>();
}

}  // namespace minidl::experiment
