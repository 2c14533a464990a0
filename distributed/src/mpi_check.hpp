#pragma once
// MPI reports errors by return code once MPI_ERRORS_RETURN is set; each becomes a
// DistributedError naming the call.
#include <mpi.h>

#include <string>

#include "minidl/distributed/communicator.hpp"

namespace minidl::distributed {

inline void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw DistributedError(std::string(call) + " failed: " + std::string(text, static_cast<size_t>(length)));
}

}  // namespace minidl::distributed
