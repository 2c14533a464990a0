#include "minidl/experiment/trainer.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "minidl/autograd/grad_mode.hpp"
#include "minidl/core/blas.hpp"
#include "minidl/core/parallel.hpp"
#include "minidl/core/reduction.hpp"
#include "minidl/data/data_loader.hpp"
#include "minidl/experiment/checkpoint.hpp"
#include "minidl/experiment/progress.hpp"
#include "minidl/nn/serialize.hpp"
#include "minidl/optim/clip_grad.hpp"

namespace minidl::experiment {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

// Small text files are replaced whole through a temporary file, like the checkpoints.
void write_atomically(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw IOError("cannot write '" + tmp.string() + "'");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw IOError("cannot write '" + path.string() + "': " + ec.message());
}

// Handing a batch to and from the prefetch thread costs a few microseconds of wake-ups; a
// small batch is gathered faster than that on the training thread itself.
int prefetch_depth(const data::Dataset& dataset, int64_t batch_size) {
  constexpr int64_t kPrefetchFromBytes = 256 * 1024;
  const int64_t bytes = batch_size * dataset.feature_shape().numel() * 4;
  return bytes >= kPrefetchFromBytes ? 2 : 0;
}

std::string epoch_line(const EpochMetrics& m, int64_t epochs) {
  std::string line = fmt::format("epoch {}/{}  train_loss {:.6g}", m.epoch, epochs, m.train_loss);
  if (m.val_loss) line += fmt::format("  val_loss {:.6g}", *m.val_loss);
  if (m.val_accuracy) line += fmt::format("  val_accuracy {:.4f}", *m.val_accuracy);
  return line + fmt::format("  lr {:.6g}  {:.3f}s", m.lr, m.seconds);
}

// The process's peak resident memory so far (VmHWM), in MiB; null where /proc is missing.
// VmHWM belongs to this program image alone: a parent's memory before exec does not count.
nlohmann::json peak_rss_mib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return nullptr;
}

void write_summary(const fs::path& path, const Experiment& run, const TrainResult& r) {
  auto optional = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
  const nlohmann::json summary = {
      {"name", run.config().name},
      {"epochs", r.epochs},
      {"train_loss", r.last.train_loss},
      {"val_loss", optional(r.last.val_loss)},
      {"val_accuracy", optional(r.last.val_accuracy)},
      {"train_seconds", r.train_seconds},
      {"samples_per_second", r.samples_per_second},
      {"threads", get_num_threads()},
      {"blas_core", blas_info().core},
      {"peak_rss_mib", peak_rss_mib()},
      {"minidl_version", version()},
  };
  write_atomically(path, summary.dump(2) + "\n");
}

}  // namespace

const char* version() { return MINIDL_VERSION; }

Evaluation evaluate(Experiment& run, const data::Dataset& dataset) {
  NoGradGuard no_grad;
  run.model().eval();
  const data::Batch all = dataset.all();  // validation sets here are small: one exact batch
  const Variable output = run.model()(all.features);
  Evaluation e;
  e.loss = run.loss()(output, all.targets).item();
  if (run.is_classification()) {
    const std::vector<int64_t> predicted = argmax(output.data(), 1).to_int64_vector();
    const std::vector<int64_t> target = all.targets.to_int64_vector();
    int64_t correct = 0;
    for (size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == target[i];
    e.accuracy = static_cast<double>(correct) / static_cast<double>(predicted.size());
  }
  run.model().train();
  return e;
}

data::DataLoader make_train_loader(const Experiment& run) {
  const DataConfig& data = run.config().data;
  return data::DataLoader(run.train_data_ptr(), {.batch_size = data.batch_size,
                                                 .shuffle = data.shuffle,
                                                 .drop_last = data.drop_last,
                                                 .seed = run.config().seed,
                                                 .prefetch = prefetch_depth(run.train_data(), data.batch_size)});
}

EpochMetrics train_epoch(Experiment& run, data::DataLoader& loader, int64_t epoch, ProgressBar* bar) {
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
    const Variable loss = run.loss()(run.model()(batch.features), batch.targets);
    const double value = loss.item();
    if (!std::isfinite(value))
      throw DivergenceError(fmt::format("loss became {} at epoch {}, batch {}", value, epoch, batches + 1));
    loss.backward();
    if (clip > 0) optim::clip_grad_norm_(params, clip);
    run.optimizer().step();
    loss_sum += value;
    ++batches;
    samples += batch.features.size(0);
    if (bar) bar->update(batches, samples, loss_sum / static_cast<double>(batches));
  }
  m.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  m.train_loss = batches > 0 ? loss_sum / static_cast<double>(batches) : 0.0;
  return m;
}

TrainResult train(Experiment& run, const TrainOptions& options, std::ostream& out) {
  const Config& config = run.config();
  const fs::path dir = config.output;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IOError("cannot create output folder '" + dir.string() + "': " + ec.message());
  const fs::path checkpoint = dir / "checkpoint.safetensors";

  TrainingState state;
  if (options.resume) {
    if (!fs::exists(checkpoint))
      throw IOError("cannot resume: no checkpoint at '" + checkpoint.string() + "'");
    state = load_checkpoint(checkpoint, run);
  }
  write_atomically(dir / "config.yaml", to_yaml_text(config));

  data::DataLoader loader = make_train_loader(run);
  loader.set_epoch(state.epochs_done);
  const int64_t epochs = config.train.epochs;
  const int64_t samples_per_epoch =
      config.data.drop_last ? loader.size() * config.data.batch_size : run.train_data().size();

  TrainResult result;
  int64_t samples_seen = 0;
  for (int64_t epoch = state.epochs_done + 1; epoch <= epochs; ++epoch) {
    std::optional<ProgressBar> bar;
    if (options.display == Display::Progress) bar.emplace(out, epoch, epochs, loader.size());
    EpochMetrics m;
    try {
      m = train_epoch(run, loader, epoch, bar ? &*bar : nullptr);
    } catch (const DivergenceError& e) {
      if (bar) bar->clear();
      throw DivergenceError(fmt::format("{}; the last good checkpoint ({}) is kept in '{}'", e.what(),
                                        state.epochs_done > 0 ? "epoch " + std::to_string(state.epochs_done)
                                                              : "none yet",
                                        checkpoint.string()));
    }
    if (bar) bar->clear();
    if (run.scheduler()) run.scheduler()->step();
    if (const data::Dataset* validation = run.validation_data()) {
      const Evaluation e = evaluate(run, *validation);
      m.val_loss = e.loss;
      if (run.reports_accuracy()) m.val_accuracy = e.accuracy;
    }
    result.train_seconds += m.seconds;
    samples_seen += samples_per_epoch;

    state.epochs_done = epoch;
    state.history.push_back(m);
    save_checkpoint(checkpoint, run, state);
    write_atomically(dir / "metrics.csv", to_csv(state.history));
    if (options.display != Display::Quiet) out << epoch_line(m, epochs) << "\n" << std::flush;
  }
  if (state.history.empty())
    throw ValueError("nothing to train: the checkpoint already has " + std::to_string(state.epochs_done) +
                     " epochs");
  write_atomically(dir / "metrics.csv", to_csv(state.history));

  result.epochs = state.epochs_done;
  result.last = state.history.back();
  result.samples_per_second = result.train_seconds > 0 ? static_cast<double>(samples_seen) / result.train_seconds : 0;
  nn::save(run.model(), dir / "model.safetensors");
  write_summary(dir / "summary.json", run, result);
  out << fmt::format("{}: {} epochs, train_loss {:.6g}", config.name, result.epochs, result.last.train_loss);
  if (result.last.val_loss) out << fmt::format(", val_loss {:.6g}", *result.last.val_loss);
  if (result.last.val_accuracy) out << fmt::format(", val_accuracy {:.4f}", *result.last.val_accuracy);
  out << fmt::format(", {:.3f}s training ({:.0f} samples/s) -> {}\n", result.train_seconds,
                     result.samples_per_second, dir.string());
  return result;
}

}  // namespace minidl::experiment
