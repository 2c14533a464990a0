#pragma once
// Saving and loading a module's weights as a safetensors file, by state_dict name, so the
// file loads in PyTorch (`model.load_state_dict(safetensors.torch.load_file(path))`) and a
// file written there loads here.
#include <filesystem>

#include "minidl/nn/module.hpp"
#include "minidl/nn/safetensors.hpp"

namespace minidl::nn {

/// Writes module.state_dict() to `path` (atomically), with optional metadata.
void save(const Module& module, const std::filesystem::path& path, const SafetensorsMetadata& metadata = {});

/// Loads the weights in `path` into `module` with load_state_dict(strict); errors name the path.
LoadResult load(Module& module, const std::filesystem::path& path, bool strict = true);

}  // namespace minidl::nn
