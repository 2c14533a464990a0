#include "minidl/distributed/failure.hpp"

#include <string>
#include <vector>

namespace minidl::distributed {

RemoteError::RemoteError(int rank, const std::string& message)
    : Error("rank " + std::to_string(rank) + ": " + message), rank(rank) {}

namespace {

std::string message_of(std::exception_ptr failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

void raise_if_any_failed(const Communicator& comm, std::exception_ptr failure) {
  const int first = comm.allreduce_min(failure ? comm.rank() : comm.size());
  if (first == comm.size()) return;
  std::vector<uint8_t> message;
  if (comm.rank() == first) {
    const std::string text = message_of(failure);
    message.assign(text.begin(), text.end());
  }
  comm.broadcast(message, first);
  if (comm.rank() == first) std::rethrow_exception(failure);
  throw RemoteError(first, std::string(message.begin(), message.end()));
}

void run_together(const Communicator& comm, const std::function<void()>& step) {
  std::exception_ptr failure;
  try {
    step();
  } catch (...) {
    failure = std::current_exception();
  }
  raise_if_any_failed(comm, failure);
}

}  // namespace minidl::distributed
