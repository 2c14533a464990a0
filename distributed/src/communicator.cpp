#include "minidl/distributed/communicator.hpp"

#include <mpi.h>

#include <cstdlib>
#include <limits>

#include "mpi_check.hpp"

namespace minidl::distributed {

namespace {

// MPI counts are int: larger buffers go in chunks.
constexpr size_t kMaxCount = static_cast<size_t>(std::numeric_limits<int>::max());

template <class T>
void allreduce_chunks(std::span<T> values, MPI_Datatype type) {
  for (size_t done = 0; done < values.size(); done += kMaxCount) {
    const int count = static_cast<int>(std::min(kMaxCount, values.size() - done));
    check(MPI_Allreduce(MPI_IN_PLACE, values.data() + done, count, type, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
  }
}

}  // namespace

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"})
    if (std::getenv(name)) return true;
  return false;
}

Environment::Environment() {
  int provided = 0;
  check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

Environment::~Environment() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

Communicator Communicator::world() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) throw DistributedError("Communicator::world: MPI is not initialised (create an Environment first)");
  int rank = 0, size = 1;
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size), "MPI_Comm_size");
  return Communicator(rank, size);
}

void Communicator::allreduce_sum(std::span<float> values) const { allreduce_chunks(values, MPI_FLOAT); }
void Communicator::allreduce_sum(std::span<double> values) const { allreduce_chunks(values, MPI_DOUBLE); }

int Communicator::allreduce_min(int value) const {
  check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  return value;
}

void Communicator::broadcast(std::span<std::byte> values, int root) const {
  for (size_t done = 0; done < values.size(); done += kMaxCount) {
    const int count = static_cast<int>(std::min(kMaxCount, values.size() - done));
    check(MPI_Bcast(values.data() + done, count, MPI_BYTE, root, MPI_COMM_WORLD), "MPI_Bcast");
  }
}

void Communicator::broadcast(std::vector<uint8_t>& bytes, int root) const {
  uint64_t size = bytes.size();
  check(MPI_Bcast(&size, 1, MPI_UINT64_T, root, MPI_COMM_WORLD), "MPI_Bcast");
  bytes.resize(size);
  broadcast(std::as_writable_bytes(std::span(bytes)), root);
}

void Communicator::abort(int status) const {
  MPI_Abort(MPI_COMM_WORLD, status);
  std::abort();  // MPI_Abort does not return; this tells the compiler so
}

}  // namespace minidl::distributed
