#pragma once
// Replicas: the processes one training run is shared among (data-parallel copies of the model,
// one per MPI rank). The trainer asks them to agree on failures, to start from rank 0's state,
// to combine gradients and results, and which process writes the run's files. This base class
// is one process, where every call is trivial; join_replicas() gives the MPI ones.
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace minidl::nn {
class Module;
}

namespace minidl::experiment {

class Replicas {
 public:
  virtual ~Replicas() = default;

  /// This process's rank (from 0) and the number of processes.
  virtual int rank() const { return 0; }
  virtual int size() const { return 1; }
  /// Rank 0 prints and writes the run's files.
  bool is_main() const { return rank() == 0; }

  /// Runs `step` on every process; if it throws on any, every process throws: the first failing
  /// rank its own exception, the others an Error "rank N: <message>".
  virtual void together(const std::function<void()>& step) { step(); }
  /// True once a failure was thrown on every process (by together or combine_gradients), so
  /// none is left waiting for the others.
  virtual bool failure_shared() const { return true; }
  /// Ends every process at once with `status` (for a failure the others do not know of).
  [[noreturn]] virtual void abort(int status);

  /// Copies rank 0's bytes into every process's `bytes`.
  virtual void broadcast(std::vector<uint8_t>& /*bytes*/) {}
  /// Element-wise sums over the processes, in place.
  virtual void sum(std::span<double> /*values*/) {}

  /// Starts keeping `model`'s replicas identical (its parameters' gradients and its buffers).
  virtual void attach(nn::Module& /*model*/) {}
  /// Before each process's backward, with the weight combine_gradients will get: lets the
  /// gradients start travelling while backward still runs.
  virtual void expect_backward(double /*weight*/) {}
  /// After each process's backward: every gradient becomes the sum over processes of
  /// weight x gradient, and the result is the sum of weight x loss. `failure` is what this
  /// process's step threw: when any process has one, every process throws (as together).
  virtual double combine_gradients(double weight, double loss, std::exception_ptr failure);
  /// Averages float buffers (BatchNorm's running statistics) over the processes.
  virtual void average_buffers() {}
};

/// How many processes the launcher (OpenMPI's or MPICH's mpirun) says it started, read from
/// its environment variables through `getenv`; 1 when none is set.
int launcher_world_size(const std::function<const char*(const char*)>& getenv);
/// Throws Error ("distributed training is not available ... built without MPI") when the
/// launcher started several `processes` and this build has no MPI; one process is fine.
void check_mpi_available(bool built_with_mpi, int processes);

/// The replicas of this process: MPI's (initialised here, finalised with the object) when it
/// was started by mpirun, else one process. Throws Error when mpirun started several processes
/// but this minidl was built without MPI.
std::unique_ptr<Replicas> join_replicas();

}  // namespace minidl::experiment
