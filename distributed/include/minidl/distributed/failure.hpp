#pragma once
// Failing together: when one process of a data-parallel run fails, every process must stop at
// the same point, or the others wait forever in their next collective.
#include <exception>
#include <functional>

#include "minidl/distributed/communicator.hpp"

namespace minidl::distributed {

/// What the other processes throw when one process failed: "rank 1: <its message>".
struct RemoteError : Error {
  RemoteError(int rank, const std::string& message);
  /// The rank that failed first.
  int rank;
};

/// A collective: if `failure` is set on any process, every process throws — the lowest failing
/// rank's exception itself there, a RemoteError carrying its message everywhere else. Returns
/// when no process failed.
void raise_if_any_failed(const Communicator& comm, std::exception_ptr failure);

/// Runs `step` on every process, then raise_if_any_failed with what it threw.
void run_together(const Communicator& comm, const std::function<void()>& step);

}  // namespace minidl::distributed
