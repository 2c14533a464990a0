#pragma once
// The layers a config's `model` list can name, and how to add one.
#include <functional>
#include <memory>
#include <string>

#include "minidl/core/generator.hpp"
#include "minidl/core/shape.hpp"
#include "minidl/experiment/registry.hpp"

namespace minidl::nn {
class Module;
}

namespace minidl::experiment {

/// What a layer factory gets besides its options.
struct LayerContext {
  /// One sample's input shape: [64] after a 64-feature dataset or a Linear(.., 64).
  Shape input;
  /// Where the input comes from, for messages: "the data's 64 features", "layer 0's output".
  std::string input_source;
  /// The run's generator for initial weights (seeded from the config's seed).
  Generator& gen;
};

/// Builds a layer; throws ConfigError located at an option (options.fail) when the options do
/// not fit the input, e.g. `in: 100` after 64 features.
using LayerFactory =
    std::function<std::shared_ptr<nn::Module>(const Options& options, const LayerContext& context)>;
using LayerRegistry = Registry<LayerFactory>;

/// The layers configs can name. Built in: linear, relu, leaky_relu, sigmoid, tanh, softmax,
/// log_softmax, flatten, dropout, identity.
LayerRegistry& layers();

}  // namespace minidl::experiment
