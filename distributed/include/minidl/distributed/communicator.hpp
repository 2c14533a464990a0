#pragma once
// Communicator: the processes of one mpirun (MPI_COMM_WORLD) and the few collectives
// data-parallel training needs. MPI types stay out of this header, so user code needs no MPI.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "minidl/core/error.hpp"

namespace minidl::distributed {

/// An MPI call that failed (the message names the call and MPI's own text).
struct DistributedError : Error {
  using Error::Error;
};

/// True when this process was started by mpirun/mpiexec (OpenMPI's, MPICH's or a PMIx launcher),
/// read from the launcher's environment variables; MPI itself is not touched.
bool launched_by_mpi();

/// Initialises MPI for the life of the object (MPI_Init_thread, the main thread making every
/// MPI call) and finalises it at destruction. One per process, created before any Communicator.
class Environment {
 public:
  Environment();
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
};

/// Every collective must be called by every process in the same order (MPI's rule).
class Communicator {
 public:
  /// All processes of the run (MPI_COMM_WORLD); needs a live Environment.
  static Communicator world();

  int rank() const { return rank_; }
  int size() const { return size_; }

  /// Element-wise sum over the processes, in place (MPI_Allreduce).
  void allreduce_sum(std::span<float> values) const;
  void allreduce_sum(std::span<double> values) const;
  /// The smallest of every process's `value`.
  int allreduce_min(int value) const;
  /// Copies `root`'s bytes into every process's `bytes` (resized to the root's size).
  void broadcast(std::vector<uint8_t>& bytes, int root = 0) const;
  /// Copies `root`'s values into every process's `values` (the same length everywhere).
  void broadcast(std::span<std::byte> values, int root = 0) const;
  /// Ends every process of the run at once (MPI_Abort): for a failure the others cannot learn of.
  [[noreturn]] void abort(int status) const;

 private:
  Communicator(int rank, int size) : rank_(rank), size_(size) {}
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace minidl::distributed
