#pragma once
// Checkpoints: one safetensors file with everything a run needs to continue exactly — weights,
// optimizer and scheduler state, epochs done, dropout generators, loader position, metrics so
// far, and the resolved config.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "minidl/experiment/metrics.hpp"
#include "minidl/experiment/experiment.hpp"

namespace minidl::experiment {

/// The loop's progress that a checkpoint restores besides the run's own state.
struct TrainingState {
  int64_t epochs_done = 0;
  std::vector<EpochMetrics> history;
};

/// Writes the checkpoint atomically (temporary file, fsync, rename): a crash leaves the
/// previous checkpoint intact. Tensors: "model.<name>" and "optimizer.<name>"; the rest is
/// metadata ("minidl.epoch", "minidl.config", ...).
void save_checkpoint(const std::filesystem::path& path, Experiment& run, const TrainingState& state);

/// Restores `run` (weights, optimizer, scheduler, dropout generators) from `path` and returns
/// the loop's progress. Throws IOError naming the path for a missing or foreign file, and
/// ValueError/ShapeError when the checkpoint does not fit the run's model.
TrainingState load_checkpoint(const std::filesystem::path& path, Experiment& run);

}  // namespace minidl::experiment
