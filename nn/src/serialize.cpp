#include "minidl/nn/serialize.hpp"

#include "minidl/core/error.hpp"

namespace minidl::nn {

void save(const Module& module, const std::filesystem::path& path, const SafetensorsMetadata& metadata) {
  StateDict state = module.state_dict();
  state.metadata = metadata;
  io::save_safetensors(path, state);
}

LoadResult load(Module& module, const std::filesystem::path& path, bool strict) {
  const StateDict file = io::load_safetensors(path);
  try {
    return module.load_state_dict(file, strict);
  } catch (const ValueError& e) {
    throw ValueError(path.string() + ": " + e.what());
  }
}

}  // namespace minidl::nn
