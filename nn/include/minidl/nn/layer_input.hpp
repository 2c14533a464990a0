#pragma once
// What building a layer from its declared options needs besides them: the shape of one input
// sample (so sizes such as Linear's `in` can be inferred) and the run's generator.
#include <string>

#include "minidl/core/generator.hpp"
#include "minidl/core/shape.hpp"

namespace minidl::nn {

/// The input a layer is built for.
struct LayerInput {
  /// One sample's shape: [64] after 64 features or a Linear(.., 64).
  Shape shape;
  /// Where it comes from, for messages: "the data's samples (shape [64])".
  std::string source;
  /// The run's generator, for initial weights and a dropout's seed.
  Generator& gen;
};

}  // namespace minidl::nn
