#include "minidl/experiment/replicas.hpp"

#include <cstdlib>
#include <string>

#include "minidl/core/error.hpp"

namespace minidl::experiment {

void Replicas::abort(int status) { std::exit(status); }

double Replicas::combine_gradients(double /*weight*/, double loss, std::exception_ptr failure) {
  if (failure) std::rethrow_exception(failure);
  return loss;
}

int launcher_world_size(const std::function<const char*(const char*)>& getenv) {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"})
    if (const char* value = getenv(name)) return std::atoi(value);
  return 1;
}

void check_mpi_available(bool built_with_mpi, int processes) {
  if (built_with_mpi || processes <= 1) return;
  throw Error("distributed training is not available: mpirun started " + std::to_string(processes) +
              " processes, but this minidl was built without MPI (install libopenmpi-dev and rebuild; "
              "CMake reports 'MPI not found')");
}

}  // namespace minidl::experiment
