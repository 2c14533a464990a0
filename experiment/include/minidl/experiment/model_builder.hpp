#pragma once
// The model a config's `model` section describes: layers through the layer registry, sizes
// inferred from the data and from each previous layer, initialisers, and init_from weights.
#include <memory>
#include <string>

#include "minidl/core/generator.hpp"
#include "minidl/experiment/config.hpp"
#include "minidl/nn/sequential.hpp"

namespace minidl::experiment {

/// The layer that needs the most samples in a training batch (Module::min_training_batch).
struct BatchNeed {
  int64_t samples = 1;
  size_t layer = 0;
  std::string type;
};

/// A built model and the shape of one sample's output.
struct BuiltModel {
  std::shared_ptr<nn::Sequential> net;
  Shape output;
  /// The `out` option that last sets a width (the layer after it keeps it), where an output
  /// that does not fit the targets is blamed; empty when no layer has one.
  Location output_where;
  BatchNeed batch_need;
};

/// Builds the layers in order for samples of shape `input`, drawing initial weights from
/// `gen`. Fills in each linear layer's inferred `in` in `config`. Throws ConfigError at the
/// layer (or option) that does not fit its input, at an `init` entry naming a parameter the
/// layer does not have, or at `init_from` for a weights file that does not match.
BuiltModel build_model(ModelConfig& config, const Shape& input, Generator& gen);

}  // namespace minidl::experiment
