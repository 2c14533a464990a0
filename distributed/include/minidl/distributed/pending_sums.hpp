#pragma once
// PendingSums: non-blocking element-wise sums over the processes (MPI_Iallreduce), started one
// by one while other work goes on and finished together. MPI types stay out of this header.
#include <memory>
#include <span>

namespace minidl::distributed {

/// Every process must start the same sums in the same order (MPI's rule for collectives).
class PendingSums {
 public:
  PendingSums();
  /// Waits for sums still running (their buffers may not go away under MPI).
  ~PendingSums();
  PendingSums(const PendingSums&) = delete;
  PendingSums& operator=(const PendingSums&) = delete;

  /// Starts summing `values` over the processes, in place; they must stay alive and untouched
  /// until wait_all() returns.
  void start(std::span<float> values);
  /// Lets MPI move the started sums on (MPI_Testall): OpenMPI advances non-blocking
  /// collectives only inside MPI calls, so without this they wait for wait_all().
  void progress();
  /// Waits until every started sum is done (MPI_Waitall); the set is empty afterwards.
  void wait_all();

 private:
  struct Requests;
  std::unique_ptr<Requests> requests_;
};

}  // namespace minidl::distributed
