#pragma once
// The nn layer's default Generator: what Linear and Dropout draw from when no Generator is
// given, like PyTorch's global generator. It is the layer's one piece of global state.
#include <cstdint>

#include "minidl/core/generator.hpp"

namespace minidl::nn {

/// The process-wide generator (seed 0 until manual_seed). Not synchronised: build models
/// from one thread, or pass each layer its own Generator.
Generator& default_generator();
/// Reseeds the default generator, like torch.manual_seed: the same seed then builds
/// the same initial weights.
void manual_seed(uint64_t seed);

}  // namespace minidl::nn
