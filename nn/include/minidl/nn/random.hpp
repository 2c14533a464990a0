#pragma once
// The nn layer's default Generator: what Linear and Dropout draw from when no Generator is
// given, like PyTorch's global generator. It is the layer's one piece of global state.
// Also a Generator's state as a tensor, for the extra state of modules that own one.
#include <cstdint>
#include <string_view>

#include "minidl/core/generator.hpp"
#include "minidl/core/tensor.hpp"

namespace minidl::nn {

/// The process-wide generator (seed 0 until manual_seed). Not synchronised: build models
/// from one thread, or pass each layer its own Generator.
Generator& default_generator();
/// Reseeds the default generator, like torch.manual_seed: the same seed then builds
/// the same initial weights.
void manual_seed(uint64_t seed);

/// `generator`'s complete state as int64 [4]: state and inc (their bits), has_spare (0 or 1)
/// and the bits of spare; exact through a safetensors file.
Tensor generator_state(const Generator& generator);
/// The state generator_state wrote. Throws ValueError naming `what` for any other tensor.
Generator::State generator_state_from(const Tensor& state, std::string_view what);

}  // namespace minidl::nn
