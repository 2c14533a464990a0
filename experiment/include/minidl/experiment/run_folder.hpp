#pragma once
// RunFolder: the folder one training run writes into. It is locked for as long as the run
// uses it, is never overwritten by accident, and is found afresh for each run when the config
// names no `output` (runs/<name>/version_<N>, as PyTorch Lightning numbers its logs).
#include <filesystem>
#include <string>
#include <vector>

namespace minidl::experiment {

/// The files of a run folder, named in one place: what a run writes, and what evaluate,
/// predict and plot read.
class RunFiles {
 public:
  explicit RunFiles(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path config() const { return dir_ / "config.yaml"; }
  std::filesystem::path metrics() const { return dir_ / "metrics.csv"; }
  std::filesystem::path checkpoint() const { return dir_ / "checkpoint.safetensors"; }
  std::filesystem::path model() const { return dir_ / "model.safetensors"; }
  /// The weights of the best epoch so far by the early-stopping metric (val_loss by default).
  std::filesystem::path best_model() const { return dir_ / "model_best.safetensors"; }
  /// The training curves, drawn at the end of a run.
  std::filesystem::path curves() const { return dir_ / "curves.png"; }
  std::filesystem::path summary() const { return dir_ / "summary.json"; }
  /// The data transform's statistics (see Preprocessing), written before the first epoch.
  std::filesystem::path preprocessing() const { return dir_ / "preprocessing.safetensors"; }
  /// Every file above, whether it exists or not.
  std::vector<std::filesystem::path> all() const {
    return {config(), metrics(), checkpoint(), model(), best_model(), summary(), curves(), preprocessing()};
  }

 private:
  std::filesystem::path dir_;
};

/// What a run may do with a folder that already holds a run.
enum class RunMode {
  Fresh,     // nothing: an explicit output that holds a run is refused
  Resume,    // continue it (without an explicit output: the newest version_<N>)
  Overwrite  // delete its run files first
};

class RunFolder {
 public:
  /// Opens `output`, or when it is "" a new runs/<name>/version_<N> (N one above the highest
  /// so far). Takes an exclusive lock (flock on ".minidl.lock") held until destruction, then
  /// removes the temporary files of writes a killed run left. Throws IOError when another
  /// process holds the lock, when a Fresh run finds a run in `output`, when Resume finds no
  /// run, or when the folder cannot be made.
  RunFolder(const std::string& output, const std::string& name, RunMode mode);
  ~RunFolder();
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;

  const std::filesystem::path& path() const { return path_; }
  /// True when the folder was chosen here (no `output` given), so the user needs telling.
  bool chosen() const { return chosen_; }

  /// The run's files (config.yaml, metrics.csv, model.safetensors, ...).
  RunFiles files() const { return RunFiles(path_); }

 private:
  std::filesystem::path path_;
  bool chosen_ = false;
  int lock_fd_ = -1;
};

}  // namespace minidl::experiment
