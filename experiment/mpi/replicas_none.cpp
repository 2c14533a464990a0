// join_replicas() of a build without MPI: one process, and a clear refusal under mpirun.
#include <cstdlib>

#include "minidl/experiment/replicas.hpp"

namespace minidl::experiment {

std::unique_ptr<Replicas> join_replicas() {
  check_mpi_available(/*built_with_mpi=*/false, launcher_world_size(std::getenv));
  return std::make_unique<Replicas>();
}

}  // namespace minidl::experiment
