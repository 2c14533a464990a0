#include "minidl/nn/serialize.hpp"

#include "minidl/core/error.hpp"

namespace minidl::nn {

void save(const Module& module, const std::filesystem::path& path, const SafetensorsMetadata& metadata) {
  save_safetensors(path, module.state_dict(), metadata);
}

LoadResult load(Module& module, const std::filesystem::path& path, bool strict) {
  SafetensorsFile file = load_safetensors(path);
  try {
    return module.load_state_dict(file.tensors, strict);
  } catch (const ValueError& e) {
    throw ValueError(path.string() + ": " + e.what());
  }
}

}  // namespace minidl::nn
