#pragma once
// nn's names for io's whole-file reads and crash-safe writes.
#include "minidl/io/file_io.hpp"

namespace minidl::nn {
using io::append_file_durably;
using io::read_file;
using io::remove_interrupted_writes;
using io::write_file_atomically;
}  // namespace minidl::nn
