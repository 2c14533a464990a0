#pragma once
// nn's name for io::StateDict (named tensors plus metadata), which modules save and load.
#include "minidl/io/state_dict.hpp"

namespace minidl::nn {
using io::StateDict;
}  // namespace minidl::nn
