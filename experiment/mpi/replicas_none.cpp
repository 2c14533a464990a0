// join_replicas() of a build without MPI: one process, and a clear refusal under mpirun.
#include <cstdlib>
#include <string>

#include "minidl/core/error.hpp"
#include "minidl/experiment/replicas.hpp"

namespace minidl::experiment {

std::unique_ptr<Replicas> join_replicas() {
  // The launchers' own variables (OpenMPI's, then MPICH's): MPI itself is absent here.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    const char* value = std::getenv(name);
    if (value && std::atoi(value) > 1)
      throw Error("distributed training is not available: mpirun started " + std::string(value) +
                  " processes, but this minidl was built without MPI (install libopenmpi-dev and rebuild; "
                  "CMake reports 'MPI not found')");
  }
  return std::make_unique<Replicas>();
}

}  // namespace minidl::experiment
