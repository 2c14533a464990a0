#include "minidl/experiment/trainer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "evaluation_json.hpp"
#include "finite_weights.hpp"
#include "minidl/autograd/grad_mode.hpp"
#include "minidl/core/blas.hpp"
#include "minidl/core/number_text.hpp"
#include "minidl/core/parallel.hpp"
#include "minidl/data/data_loader.hpp"
#include "minidl/experiment/checkpoint.hpp"
#include "minidl/experiment/curves.hpp"
#include "minidl/experiment/early_stopping.hpp"
#include "minidl/experiment/preprocessing.hpp"
#include "minidl/experiment/progress.hpp"
#include "minidl/experiment/run_folder.hpp"
#include "minidl/io/file_io.hpp"
#include "minidl/nn/serialize.hpp"
#include "minidl/optim/clip_grad.hpp"
#include "replica_sync.hpp"

namespace minidl::experiment {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// Handing a batch to and from the prefetch thread costs a few microseconds of wake-ups; a
// small batch is gathered faster than that on the training thread itself. A batch never holds
// more rows than the dataset, whatever batch_size says; the product is taken in double, which
// cannot overflow and is exact enough for a threshold. Six batches ahead: the producer refills
// three at a time, so it is woken every third step.
int prefetch_depth(const data::Dataset& dataset, int64_t batch_size) {
  constexpr double kPrefetchFromBytes = 256 * 1024;
  constexpr int kBatchesAhead = 6;
  const int64_t rows = std::min(batch_size, dataset.size());
  const double bytes = static_cast<double>(rows) * static_cast<double>(dataset.feature_shape().numel()) * 4.0;
  return bytes >= kPrefetchFromBytes ? kBatchesAhead : 0;
}

// The first parameter holding a NaN or infinite value, with that value.
std::optional<std::pair<std::string, float>> first_non_finite_parameter(Experiment& run) {
  for (const auto& [name, param] : run.model().named_parameters())
    if (const std::optional<float> bad = first_non_finite(param.data())) return std::pair(name, *bad);
  return std::nullopt;
}

std::string epoch_line(const EpochMetrics& m, int64_t epochs) {
  std::string line = fmt::format("epoch {}/{}  train_loss {:.6g}", m.epoch, epochs, m.train_loss);
  if (m.val_loss) line += fmt::format("  val_loss {:.6g}", *m.val_loss);
  if (m.val_accuracy) line += fmt::format("  val_accuracy {:.4f}", *m.val_accuracy);
  return line + fmt::format("  lr {:.6g}  {}", m.lr, duration_text(m.seconds));
}

// The process's peak resident memory so far (VmHWM), in MiB; null where /proc is missing.
// VmHWM belongs to this program image alone: a parent's memory before exec does not count.
nlohmann::json peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return nullptr;
}

// `final_validation`: the last epoch's evaluation of the final model, when this process made
// it whole (one process); otherwise the validation data is evaluated here.
void write_summary(const fs::path& path, Experiment& run, const TrainResult& r, int world_size,
                   const std::optional<Evaluation>& final_validation) {
  auto optional = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  nlohmann::json summary = {
      {"name", run.config().name},
      {"epochs", r.epochs},
      {"train_loss", r.last.train_loss},
      {"val_loss", optional(r.last.val_loss)},
      {"val_accuracy", optional(r.last.val_accuracy)},
      {"train_seconds", r.train_seconds},
      {"samples_per_second", r.samples_per_second},
      {"threads", get_num_threads()},
      {"world_size", world_size},
      {"blas_core", blas_info().core},
      {"peak_rss_mib", peak_rss_mib()},
      {"minidl_version", version()},
      {"best_epoch", r.best_epoch},
      {"best_metric", r.best_metric},
      {"best_value", r.best_epoch > 0 ? nlohmann::json(r.best_value) : nlohmann::json()},
      {"stopped_early", r.stopped_early},
  };
  // The final model's every metric on the validation data (regression in original units).
  if (const data::Dataset* validation = run.validation_data())
    summary["validation"] = evaluation_json(final_validation ? *final_validation : evaluate(run, *validation));
  io::write_file_atomically(path, summary.dump(2) + "\n");
}

// The end of a divergence message: what was kept, naming only a file that exists.
std::string last_good_checkpoint(int64_t epochs_done, const fs::path& checkpoint) {
  if (epochs_done == 0) return "no epoch finished, so no checkpoint and no weights were written";
  return fmt::format("no weights were written; the last good checkpoint (epoch {}) is kept in '{}'", epochs_done,
                     checkpoint.string());
}

// How to continue a run stopped after `epochs_done` epochs, or "" when nothing was saved.
std::string resume_hint(int64_t epochs_done, const fs::path& folder) {
  if (epochs_done == 0) return "";
  return fmt::format(" (`minidl train` with output={} and --resume continues from it)", folder.string());
}

}  // namespace

const char* version() { return MINIDL_VERSION; }

data::DataLoader make_train_loader(const Experiment& run, int64_t num_replicas, int64_t rank) {
  const DataConfig& data = run.config().data;
  return data::DataLoader(run.train_data_ptr(),
                          {.batch_size = data.batch_size,
                           .shuffle = data.shuffle,
                           .drop_last = data.drop_last,
                           .seed = run.config().seed,
                           .prefetch = prefetch_depth(run.train_data(), data.batch_size / num_replicas),
                           .num_replicas = num_replicas,
                           .rank = rank});
}

EpochMetrics train_epoch(Experiment& run, data::DataLoader& loader, int64_t epoch, ProgressBar* bar,
                         Replicas* replicas, const std::function<bool()>& stop_requested) {
  Replicas alone;
  Replicas& shared = replicas ? *replicas : alone;
  const bool summed = loss_is_summed(run);
  const double clip = run.config().train.clip_grad_norm;
  const auto params = clip > 0 ? run.model().named_parameters() : optim::NamedParameters{};
  run.model().train();
  EpochMetrics m;
  m.epoch = epoch;
  m.lr = run.optimizer().lr(0);
  double loss_sum = 0.0;
  int64_t batches = 0, samples = 0;
  const auto start = Clock::now();
  for (const data::Batch& batch : loader) {
    // Dropping the gradients lets backward hand its fresh gradient tensors straight to the
    // parameters: no zeroing pass, no accumulation pass (PyTorch 2's default too).
    run.optimizer().zero_grad(/*set_to_none=*/true);
    const int64_t rows = batch.features.size(0);
    const int64_t global_rows = loader.global_batch_rows(loader.position() - 1);
    // This process's rows (with replicas maybe none of a short last batch); a mean loss weighs
    // them by their share of the global batch, so the combined step is the one-process step.
    const double weight = summed ? 1.0 : static_cast<double>(rows) / static_cast<double>(global_rows);
    double value = 0.0;
    std::exception_ptr failure;
    try {
      shared.expect_backward(weight);
      if (rows > 0) {
        const Variable loss = run.loss()(run.model()(batch.features), batch.targets);
        value = loss.item();
        if (std::isfinite(value)) loss.backward();
      }
    } catch (...) {
      failure = std::current_exception();
    }
    value = shared.combine_gradients(weight, value, failure);
    if (!std::isfinite(value))
      throw DivergenceError(
          fmt::format("loss became {} at epoch {}, batch {}", non_finite_name(value), epoch, batches + 1));
    if (clip > 0) optim::clip_grad_norm_(params, clip);
    run.optimizer().step();
    loss_sum += value;
    ++batches;
    samples += global_rows;
    if (bar) bar->update(batches, samples, loss_sum / static_cast<double>(batches));
    if (stop_requested && stop_requested())
      throw InterruptedError(fmt::format("interrupted during epoch {}, after batch {} of {}", epoch, batches,
                                         loader.size()));
  }
  // A bad last step shows in no loss of this epoch: look at the weights themselves.
  if (const auto bad = first_non_finite_parameter(run))
    throw DivergenceError(fmt::format("parameter '{}' became {} at epoch {}, batch {}", bad->first,
                                      non_finite_name(bad->second), epoch, batches));
  m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  m.train_loss = batches > 0 ? loss_sum / static_cast<double>(batches) : 0.0;
  return m;
}

namespace {

// Where a run continues: the epochs its checkpoint holds and the metrics rows before them.
struct StartPoint {
  int64_t epochs_done = 0;
  std::vector<EpochMetrics> history;
};

StartPoint resume_point(const RunFolder& folder, Experiment& run, data::DataLoader& loader) {
  if (!fs::exists(folder.files().checkpoint()))
    throw IOError("cannot resume: no checkpoint at '" + folder.files().checkpoint().string() + "'");
  const Checkpoint checkpoint = read_checkpoint(folder.files().checkpoint());
  check_resumable(checkpoint, run.config());
  // Rows past the checkpoint belong to an epoch a kill interrupted before its checkpoint.
  StartPoint start{checkpoint.epochs_done, read_metrics_csv(folder.files().metrics(), checkpoint.epochs_done)};
  restore_checkpoint(checkpoint, run, loader);
  return start;
}

// One epoch: training (with a progress bar on a terminal), the scheduler's step, validation.
// A DivergenceError says what became non-finite, and where.
// With replicas: running statistics averaged (so every process holds the same model) and
// validation sharded. `validation` receives the whole evaluation when one process made it.
EpochMetrics run_epoch(Experiment& run, data::DataLoader& loader, int64_t epoch, const TrainOptions& options,
                       Replicas& replicas, std::ostream& out, std::optional<Evaluation>& validation) {
  std::optional<ProgressBar> bar;
  if (options.display == Display::Progress && replicas.is_main())
    bar.emplace(out, epoch, run.config().train.epochs, loader.size());
  EpochMetrics m;
  try {
    m = train_epoch(run, loader, epoch, bar ? &*bar : nullptr, &replicas, options.stop_requested);
  } catch (const Error&) {
    if (bar) bar->clear();
    throw;
  }
  if (bar) bar->clear();
  replicas.average_buffers();
  if (run.scheduler()) run.scheduler()->step();
  validation.reset();
  if (const data::Dataset* validation_data = run.validation_data()) {
    const Evaluation e = evaluate_shared(replicas, run, *validation_data);
    if (replicas.size() == 1) validation = e;
    if (!std::isfinite(e.loss))
      throw DivergenceError(fmt::format("validation loss became {} at epoch {}", non_finite_name(e.loss), epoch));
    m.val_loss = e.loss;
    if (run.reports_accuracy()) m.val_accuracy = e.accuracy;
    if (!e.classification) m.val_rmse = e.rmse;
  }
  return m;
}

// Waits for curves.png, drawn from the whole metrics.csv. A picture is not worth failing a
// finished run for: a failure is one warning line.
void finish_curves(const RunFolder& folder, CurvesPainter& painter, std::ostream& out) {
  try {
    painter.finish();
  } catch (const Error& e) {
    out << "warning: " << folder.files().curves().filename().string() << " not drawn: " << e.what() << "\n";
  }
}

// The best epoch and whether it stopped early, as summary.json records them.
void record_best(const BestEpoch& best, TrainResult& result) {
  result.best_epoch = best.best_epoch();
  result.best_metric = best.metric();
  result.best_value = best.best_value();
  result.stopped_early = best.should_stop();
}

// "iris: 20 epochs, train_loss 0.05, val_loss 0.06, ..., 0.1s training (9000 samples/s) -> runs/iris".
std::string final_line(const std::string& name, const TrainResult& result) {
  std::string line = fmt::format("{}: {} epoch{}{}, train_loss {:.6g}", name, result.epochs, result.epochs == 1 ? "" : "s",
                                 result.stopped_early ? " (stopped early)" : "", result.last.train_loss);
  if (result.last.val_loss) line += fmt::format(", val_loss {:.6g}", *result.last.val_loss);
  if (result.last.val_accuracy) line += fmt::format(", val_accuracy {:.4f}", *result.last.val_accuracy);
  if (result.best_epoch > 0)
    line += fmt::format(", best {} {:.6g} at epoch {}", result.best_metric, result.best_value, result.best_epoch);
  return line + fmt::format(", {} training ({:.0f} samples/s) -> {}\n", duration_text(result.train_seconds),
                            result.samples_per_second, result.output.string());
}

}  // namespace

TrainResult train(Experiment& run, const TrainOptions& options, std::ostream& out) {
  if (options.resume && options.overwrite) throw ValueError("train: resume and overwrite exclude each other");
  Replicas alone;
  Replicas& replicas = options.replicas ? *options.replicas : alone;
  // Rank 0 alone prints and touches the run folder; the others follow its state and decisions.
  const bool main = replicas.is_main();
  std::ostream nowhere(nullptr);
  std::ostream& shown = main ? out : nowhere;
  const Config& config = run.config();
  // The resolved config as written names the folder actually used.
  Config resolved = config;
  check_same_config(replicas, to_yaml_text(resolved));
  std::optional<data::DataLoader> made;  // refused alike everywhere (a batch smaller than the processes)
  std::optional<RunFolder> folder;
  StartPoint start;
  replicas.together([&] {
    made.emplace(make_train_loader(run, replicas.size(), replicas.rank()));
    if (!main) return;
    folder.emplace(config.output, config.name,
                   options.resume ? RunMode::Resume : options.overwrite ? RunMode::Overwrite : RunMode::Fresh);
    if (options.resume) start = resume_point(*folder, run, *made);
  });
  data::DataLoader& loader = *made;
  const int64_t epochs = config.train.epochs;
  if (main) resolved.output = folder->path().string();
  const std::string config_yaml = to_yaml_text(resolved);
  start.epochs_done = share_start(replicas, run, loader, start.epochs_done, config_yaml);
  int64_t epochs_done = start.epochs_done;

  TrainResult result;
  if (main) result.output = folder->path();
  // The best epoch and early stopping's count, replayed from the rows the checkpoint covers
  // (rank 0's: it alone reads them, and its decisions are shared).
  BestEpoch best(config.train, run.validation_data() != nullptr);
  for (const EpochMetrics& m : start.history) {
    result.train_seconds += m.seconds;
    best.update(m);
  }
  if (!start.history.empty()) result.last = start.history.back();
  if (rank0_value(replicas, main && (epochs_done == epochs || best.should_stop()) &&
                                fs::exists(folder->files().summary()) && fs::exists(folder->files().model()))) {
    // As PyTorch Lightning's fit() with max_epochs reached: say so, change nothing.
    if (best.should_stop())
      shown << fmt::format("{}: nothing left to do: '{}' stopped early at epoch {} ({} did not improve for {} "
                           "epochs after epoch {})\n",
                           config.name, result.output.string(), epochs_done, best.metric(),
                           best.epochs_without_improvement(), best.best_epoch());
    else
      shown << fmt::format("{}: nothing left to do: '{}' already has {} of {} epochs (raise train.epochs to "
                           "train further)\n",
                           config.name, result.output.string(), epochs_done, epochs);
    result.epochs = epochs_done;
    result.trained = false;
    record_best(best, result);
    return result;
  }
  if (main && folder->chosen() && options.display != Display::Quiet)
    out << config.name << ": writing to " << folder->path().string() << "\n";
  // Its warm-up runs beside the training (after the first 20 ms of it): on a small run it was
  // most of the process's time.
  std::optional<CurvesPainter> painter;
  if (main) painter.emplace();

  replicas.together([&] {
    if (!main) return;
    io::write_file_atomically(folder->files().config(), config_yaml);
    io::write_file_atomically(folder->files().metrics(), to_csv(start.history));
    save_preprocessing(folder->files().preprocessing(), run.preprocessing());
  });

  std::optional<Evaluation> final_validation;  // of the model the last epoch left
  for (; epochs_done < epochs && !rank0_value(replicas, best.should_stop()); ++epochs_done) {
    const int64_t epoch = epochs_done + 1;
    EpochMetrics m;
    try {
      // Each check comes before the epoch's files: a diverged epoch leaves no row and no checkpoint.
      // Every process ends the epoch together, so a divergence (seen by all) stops all of them.
      replicas.together([&] { m = run_epoch(run, loader, epoch, options, replicas, shown, final_validation); });
    } catch (const DivergenceError& e) {
      if (!main) throw;
      throw DivergenceError(std::string(e.what()) + "; " + last_good_checkpoint(epochs_done, folder->files().checkpoint()));
    } catch (const InterruptedError& e) {
      throw InterruptedError(std::string(e.what()) + "; " + last_good_checkpoint(epochs_done, folder->files().checkpoint()) +
                             resume_hint(epochs_done, folder->path()));
    }
    // Every process keeps the best-epoch state (the metrics are the combined ones); rank 0's
    // decision to stop is the one taken.
    const bool improved = best.update(m);
    replicas.together([&] {
      if (!main) return;
      // The row first: a kill before the checkpoint leaves a row that the resume drops.
      io::append_file_durably(folder->files().metrics(), to_csv_row(m) + "\n");
      // Before the checkpoint: a kill between the two repeats this epoch, which rewrites it.
      if (improved) nn::save(run.model(), folder->files().best_model());
      save_checkpoint(folder->files().checkpoint(), run, epoch, loader, config_yaml);
    });
    result.train_seconds += m.seconds;
    result.last = m;
    if (options.display != Display::Quiet) shown << epoch_line(m, epochs) << "\n" << std::flush;
    if (epoch < epochs && options.stop_requested && options.stop_requested())
      throw InterruptedError(fmt::format("interrupted after epoch {} of {}; its checkpoint is '{}'", epoch, epochs,
                                         folder->files().checkpoint().string()) +
                             resume_hint(epoch, folder->path()));
  }

  result.epochs = epochs_done;
  record_best(best, result);
  if (result.stopped_early && options.display != Display::Quiet)
    shown << fmt::format("early stopping: {} did not improve by more than {} for {} epochs; the best, epoch {}, "
                       "is in {}\n",
                       best.metric(), format_number(config.train.early_stopping->min_delta),
                       best.epochs_without_improvement(), best.best_epoch(),
                       folder->files().best_model().filename().string());
  const int64_t samples_per_epoch =
      config.data.drop_last ? loader.size() * config.data.batch_size : run.train_data().size();
  const double samples = static_cast<double>(samples_per_epoch) * static_cast<double>(epochs_done);
  result.samples_per_second = result.train_seconds > 0 ? samples / result.train_seconds : 0;
  replicas.together([&] {
    if (!main) return;
    // metrics.csv is complete: curves.png is drawn while the model and the summary are written.
    painter->start(folder->path(), folder->files().curves());
    nn::save(run.model(), folder->files().model());
    write_summary(folder->files().summary(), run, result, replicas.size(), final_validation);
    finish_curves(*folder, *painter, out);
  });
  shown << final_line(config.name, result);
  return result;
}

}  // namespace minidl::experiment
