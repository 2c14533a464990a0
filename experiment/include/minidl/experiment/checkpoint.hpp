#pragma once
// Checkpoints: one safetensors file with everything a run needs to continue exactly — weights
// and buffers, optimizer and scheduler state, every module's extra state (a Dropout's
// generator), epochs done, the training loader's epoch and position, and the resolved config.
// Its size does not grow with the epochs: the metrics history lives in metrics.csv alone.
#include <cstdint>
#include <filesystem>
#include <string>

#include "minidl/data/data_loader.hpp"
#include "minidl/experiment/config.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/io/state_dict.hpp"

namespace minidl::experiment {

/// A checkpoint file read and its own fields checked, not yet applied to a run.
struct Checkpoint {
  std::filesystem::path path;
  /// Epochs completed when it was written (metadata "minidl.epoch").
  int64_t epochs_done = 0;
  /// Where the training loader stood (metadata "minidl.loader.epoch" and
  /// "minidl.loader.position"): always the start of the epoch after the last one done.
  struct LoaderState {
    int64_t epoch = 0;
    int64_t position = 0;
  } loader;
  /// The resolved config of the run that wrote it (metadata "minidl.config").
  YAML::Node config;
  /// Everything in the file: tensors and metadata.
  io::StateDict contents;
};

/// Writes the checkpoint atomically (io::write_file_atomically): a crash leaves the previous
/// checkpoint intact. Tensors: "model.<state_dict name>", "optimizer.<name>" and
/// "extra_state.<module>.<name>"; metadata: the optimizer's and scheduler's keys,
/// "extra_state.<module>.<key>", "minidl.epoch", "minidl.loader.epoch" and
/// "minidl.loader.position" (from `loader`), "minidl.config" = `config_yaml`.
void save_checkpoint(const std::filesystem::path& path, Experiment& run, int64_t epochs_done,
                     const data::DataLoader& loader, const std::string& config_yaml);

/// What save_checkpoint writes, as a state dict (also what rank 0 sends the other processes of
/// a distributed run).
io::StateDict checkpoint_state(Experiment& run, int64_t epochs_done, const data::DataLoader& loader,
                               const std::string& config_yaml);

/// read_checkpoint's checks on contents already read; `path` names their source in errors.
Checkpoint parse_checkpoint(io::StateDict contents, const std::filesystem::path& path);

/// Reads `path` and parses its minidl metadata strictly. Throws IOError naming the path, and
/// the metadata key when one is missing or malformed, or when the loader is not at the start
/// of the epoch after the epochs done (minidl resumes at epoch boundaries). A checkpoint
/// without the loader keys (an older minidl's) has its loader there.
Checkpoint read_checkpoint(const std::filesystem::path& path);

/// Throws ConfigError listing every key on which `config` differs from the checkpoint's own,
/// unless the only differences are ones a resume may make: `train.epochs` (not below the
/// epochs done), `threads` and `output`.
void check_resumable(const Checkpoint& checkpoint, const Config& config);

/// Whether `contents` (a safetensors file's) are a checkpoint's: they carry "minidl.epoch".
bool is_checkpoint(const io::StateDict& contents);

/// Loads the model's weights and buffers of `checkpoint` into `model` (strictly), as a weights
/// file would be: what `minidl evaluate --weights RUN/checkpoint.safetensors` uses. Throws
/// IOError naming the path when they do not fit.
void load_checkpoint_model(const Checkpoint& checkpoint, nn::Module& model);

/// Restores `run` (weights and buffers, optimizer, scheduler, every module's extra state) and
/// `loader` (its epoch and position) from `checkpoint`. Throws IOError naming the path when
/// the contents do not fit the run.
void restore_checkpoint(const Checkpoint& checkpoint, Experiment& run, data::DataLoader& loader);

}  // namespace minidl::experiment
