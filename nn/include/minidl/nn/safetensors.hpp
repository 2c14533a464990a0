#pragma once
// nn's names for io's safetensors reading and writing.
#include "minidl/io/safetensors.hpp"
#include "minidl/nn/state_dict.hpp"

namespace minidl::nn {
using SafetensorsMetadata = io::Metadata;
using io::kSafetensorsMaxHeaderBytes;
using io::load_safetensors;
using io::parse_safetensors;
using io::save_safetensors;
using io::serialize_safetensors;
}  // namespace minidl::nn
