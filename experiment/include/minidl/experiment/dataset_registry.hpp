#pragma once
// The data sources a config's `data.train` / `data.validation` can name, and how to add one.
#include <cstdint>
#include <functional>
#include <memory>

#include "minidl/data/dataset.hpp"
#include "minidl/experiment/registry.hpp"

namespace minidl::experiment {

/// What a dataset factory gets besides its options.
struct DatasetContext {
  /// The config's seed, the default seed of generated data.
  uint64_t seed = 0;
};

/// Builds a dataset; throws ConfigError located at an option (options.fail) for a bad one,
/// such as a data file that does not exist.
using DatasetFactory = std::function<std::shared_ptr<const data::Dataset>(
    const Options& options, const DatasetContext& context)>;
using DatasetRegistry = Registry<DatasetFactory>;

/// The data sources configs can name. Built in: csv, synthetic_linear, synthetic_classification.
DatasetRegistry& datasets();

}  // namespace minidl::experiment
