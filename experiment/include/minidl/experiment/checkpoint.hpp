#pragma once
// Checkpoints: one safetensors file with everything a run needs to continue exactly — weights,
// optimizer and scheduler state, epochs done, dropout generators and the resolved config. Its
// size does not grow with the epochs: the metrics history lives in metrics.csv alone.
#include <cstdint>
#include <filesystem>
#include <string>

#include "minidl/experiment/config.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/nn/safetensors.hpp"

namespace minidl::experiment {

/// A checkpoint file read and its own fields checked, not yet applied to a run.
struct Checkpoint {
  std::filesystem::path path;
  /// Epochs completed when it was written (metadata "minidl.epoch").
  int64_t epochs_done = 0;
  /// The resolved config of the run that wrote it (metadata "minidl.config").
  YAML::Node config;
  nn::SafetensorsFile contents;
};

/// Writes the checkpoint atomically (temporary file, fsync, rename): a crash leaves the
/// previous checkpoint intact. Tensors: "model.<name>" and "optimizer.<name>"; the rest is
/// metadata ("minidl.epoch", "minidl.config" = `config_yaml`, "minidl.rng.<dropout>", ...).
void save_checkpoint(const std::filesystem::path& path, Experiment& run, int64_t epochs_done,
                     const std::string& config_yaml);

/// Reads `path` and parses its minidl metadata strictly. Throws IOError naming the path, and
/// the metadata key when one is missing or malformed.
Checkpoint read_checkpoint(const std::filesystem::path& path);

/// Throws ConfigError listing every key on which `config` differs from the checkpoint's own,
/// unless the only differences are ones a resume may make: `train.epochs` (not below the
/// epochs done), `threads` and `output`.
void check_resumable(const Checkpoint& checkpoint, const Config& config);

/// Restores `run` (weights, optimizer, scheduler, dropout generators) from `checkpoint`.
/// Throws IOError naming the path when the contents do not fit the run.
void restore_checkpoint(const Checkpoint& checkpoint, Experiment& run);

}  // namespace minidl::experiment
