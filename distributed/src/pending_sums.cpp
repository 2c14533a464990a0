#include "minidl/distributed/pending_sums.hpp"

#include <mpi.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "minidl/distributed/communicator.hpp"
#include "mpi_check.hpp"

namespace minidl::distributed {

struct PendingSums::Requests {
  std::vector<MPI_Request> requests;
};

PendingSums::PendingSums() : requests_(std::make_unique<Requests>()) {}

PendingSums::~PendingSums() {
  auto& requests = requests_->requests;
  if (!requests.empty()) MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
}

void PendingSums::start(std::span<float> values) {
  // MPI counts are int: a larger buffer goes in several sums.
  constexpr size_t kMaxCount = static_cast<size_t>(std::numeric_limits<int>::max());
  for (size_t done = 0; done < values.size(); done += kMaxCount) {
    const int count = static_cast<int>(std::min(kMaxCount, values.size() - done));
    MPI_Request request = MPI_REQUEST_NULL;
    check(MPI_Iallreduce(MPI_IN_PLACE, values.data() + done, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &request),
          "MPI_Iallreduce");
    requests_->requests.push_back(request);
  }
}

void PendingSums::progress() {
  auto& requests = requests_->requests;
  if (requests.empty()) return;
  int done = 0;
  check(MPI_Testall(static_cast<int>(requests.size()), requests.data(), &done, MPI_STATUSES_IGNORE), "MPI_Testall");
}

void PendingSums::wait_all() {
  auto& requests = requests_->requests;
  const int code = MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
  requests.clear();
  check(code, "MPI_Waitall");
}

}  // namespace minidl::distributed
