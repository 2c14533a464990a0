#pragma once
// minidl's data-parallel training over MPI (built only when MPI is found; link minidl::distributed).
#include "minidl/distributed/communicator.hpp"
#include "minidl/distributed/data_parallel.hpp"
#include "minidl/distributed/failure.hpp"
#include "minidl/distributed/pending_sums.hpp"
