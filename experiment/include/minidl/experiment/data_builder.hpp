#pragma once
// The datasets a config's `data` section describes: the training source, its validation part
// (a seeded split or another source) and the transform, fitted on the training data only.
#include <cstdint>
#include <memory>

#include "minidl/data/dataset.hpp"
#include "minidl/experiment/config.hpp"
#include "minidl/experiment/preprocessing.hpp"

namespace minidl::experiment {

/// Training data and, when configured, validation data (else null).
struct RunData {
  std::shared_ptr<const data::Dataset> train;
  std::shared_ptr<const data::Dataset> validation;
  /// The transform as fitted on (or given for) the training part.
  Preprocessing preprocessing;
};

/// Loads the sources through the dataset registry, splits, scales and standardises: with the
/// statistics of `saved` (a run's preprocessing.safetensors) when given, else fitted on the
/// training part. Throws ConfigError located in the config for a missing file, a split that
/// leaves a part empty, validation data whose features or task differ from the training
/// data's, or standardize_target on classification data.
RunData build_data(const DataConfig& config, uint64_t seed, const Preprocessing* saved = nullptr);

}  // namespace minidl::experiment
