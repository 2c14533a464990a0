#pragma once
// The training loop of an Experiment and the files it writes into its run folder (see
// RunFolder): config.yaml and preprocessing.safetensors (at the start), metrics.csv (a row
// appended each epoch), checkpoint.safetensors (each epoch), model_best.safetensors (each new
// best epoch), model.safetensors and summary.json (at the end). Every write is atomic or
// an fsynced append.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <string>

#include "minidl/data/data_loader.hpp"
#include "minidl/experiment/evaluation.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/experiment/metrics.hpp"
#include "minidl/experiment/progress.hpp"
#include "minidl/experiment/replicas.hpp"

namespace minidl::experiment {

/// A loss, validation loss or parameter that became NaN or infinite; the message names the
/// epoch (and the batch) and the last good checkpoint, if there is one.
struct DivergenceError : Error {
  using Error::Error;
};

/// Training stopped because TrainOptions::stop_requested said so (Ctrl-C in `minidl train`);
/// the message names where it stopped and the checkpoint a resume continues from.
struct InterruptedError : Error {
  using Error::Error;
};

/// What the loop prints.
enum class Display {
  Progress,  // a progress bar per epoch plus one line per epoch (terminals)
  Lines,     // one line per epoch (logs, pipes)
  Quiet      // the final line only
};

struct TrainOptions {
  /// Continue from output/checkpoint.safetensors up to the configured epochs; the config may
  /// differ from the checkpoint's only in train.epochs, threads and output.
  bool resume = false;
  /// Replace the run an explicit output already holds (otherwise refused).
  bool overwrite = false;
  Display display = Display::Lines;
  /// The processes sharing the run, data-parallel (null: this one alone). Each trains on its
  /// share of every global batch of data.batch_size samples; rank 0 prints and writes the files.
  Replicas* replicas = nullptr;
  /// Asked after every step and every epoch's files: true stops the run with InterruptedError,
  /// the checkpoint of the last whole epoch kept (null: never). One process only.
  std::function<bool()> stop_requested = nullptr;
};

/// The outcome, as summary.json records it.
struct TrainResult {
  /// The run's folder: the config's output, or the runs/<name>/version_<N> chosen for it.
  std::filesystem::path output;
  int64_t epochs = 0;
  EpochMetrics last;
  /// The training loops alone: the sum of every epoch's `seconds` in metrics.csv (epochs of
  /// earlier, resumed processes included).
  double train_seconds = 0.0;
  double samples_per_second = 0.0;
  /// False when a resumed run had nothing left to do (then no file was written).
  bool trained = true;
  /// The best epoch by `best_metric` (see BestEpoch), whose weights are model_best.safetensors;
  /// 0 when no epoch measured it.
  int64_t best_epoch = 0;
  std::string best_metric;
  double best_value = 0.0;
  /// True when train.early_stopping ended the run before train.epochs.
  bool stopped_early = false;
};

/// Trains `run` for its configured epochs, writing the output files as it goes. Throws
/// DivergenceError for a NaN/inf loss, validation loss or parameter (no weights are written;
/// the last checkpoint stays), InterruptedError when options.stop_requested says so (likewise),
/// IOError for files and for a folder that is in use or already holds a run, ConfigError for a
/// resume whose config differs from the checkpoint's.
TrainResult train(Experiment& run, const TrainOptions& options, std::ostream& out);

/// The loader the run's training data is iterated with (batch size, shuffle, seed of the config),
/// yielding replica `rank`'s share of each batch of `num_replicas`.
data::DataLoader make_train_loader(const Experiment& run, int64_t num_replicas = 1, int64_t rank = 0);

/// One epoch: each remaining batch of `loader`'s current epoch through forward, loss,
/// backward, clipping and an optimizer step (no validation, no files). Returns the epoch's
/// row without validation figures. Throws DivergenceError naming `epoch` and the batch for a
/// NaN/inf loss, or for a NaN/inf parameter after the epoch's last step. With `replicas`, each
/// step's gradients and loss are combined over them (every process throws the same errors).
EpochMetrics train_epoch(Experiment& run, data::DataLoader& loader, int64_t epoch, ProgressBar* bar = nullptr,
                         Replicas* replicas = nullptr, const std::function<bool()>& stop_requested = {});

/// minidl's version, "major.minor.patch" from project(VERSION) in CMakeLists.txt (its one source).
const char* version();

}  // namespace minidl::experiment
