#pragma once
// The datasets a config's `data` section describes: the training source, its validation part
// (a seeded split or another source) and the transform, fitted on the training data only.
#include <cstdint>
#include <memory>

#include "minidl/data/dataset.hpp"
#include "minidl/experiment/config.hpp"

namespace minidl::experiment {

/// Training data and, when configured, validation data (else null).
struct RunData {
  std::shared_ptr<const data::Dataset> train;
  std::shared_ptr<const data::Dataset> validation;
};

/// Loads the sources through the dataset registry, splits, scales and standardises. Throws
/// ConfigError located in the config for a missing file, a split that leaves a part empty, or
/// validation data whose features or task differ from the training data's.
RunData build_data(const DataConfig& config, uint64_t seed);

}  // namespace minidl::experiment
