#include "minidl/experiment/checkpoint.hpp"

#include <limits>
#include <optional>
#include <string_view>

#include "minidl/experiment/config_diff.hpp"
#include "minidl/core/number_text.hpp"
#include "minidl/io/safetensors.hpp"
#include "minidl/optim/state_dict.hpp"

namespace minidl::experiment {

namespace {

constexpr std::string_view kModel = "model.";
constexpr std::string_view kOptimizer = "optimizer.";
constexpr std::string_view kExtraState = "extra_state.";
constexpr const char* kEpoch = "minidl.epoch";
constexpr const char* kLoaderEpoch = "minidl.loader.epoch";
constexpr const char* kLoaderPosition = "minidl.loader.position";
constexpr const char* kConfig = "minidl.config";

[[noreturn]] void malformed(const std::filesystem::path& path, const std::string& key, const std::string& expected,
                            const std::string& value) {
  constexpr size_t kShown = 60;  // a hostile value can be huge: show its start only
  const std::string shown = value.size() > kShown ? value.substr(0, kShown) + "..." : value;
  throw IOError(path.string() + ": metadata '" + key + "' must be " + expected + ", got '" + shown + "'");
}

const std::string& metadata(const Checkpoint& checkpoint, const std::string& key) {
  const auto it = checkpoint.contents.metadata.find(key);
  if (it == checkpoint.contents.metadata.end())
    throw IOError(checkpoint.path.string() + ": not a minidl checkpoint (no '" + key + "' in its metadata)");
  return it->second;
}

// A whole number in [0, int64 max] under `key`; `fallback` when the key is absent.
int64_t count(const Checkpoint& checkpoint, const std::string& key, const std::string& expected,
              std::optional<int64_t> fallback = std::nullopt) {
  if (fallback && !checkpoint.contents.metadata.contains(key)) return *fallback;
  const std::string& text = metadata(checkpoint, key);
  const auto value = parse_integer<int64_t>(text, 0, std::numeric_limits<int64_t>::max());
  if (!value) malformed(checkpoint.path, key, expected, text);
  return *value;
}

}  // namespace

io::StateDict checkpoint_state(Experiment& run, int64_t epochs_done, const data::DataLoader& loader,
                               const std::string& config_yaml) {
  io::StateDict file;
  file.merge(run.model().state_dict(), kModel);
  optim::StateDict optimizer = run.optimizer().state_dict();
  if (run.scheduler()) optimizer.merge(run.scheduler()->state_dict());
  // The optimizer's and scheduler's metadata keys stay unprefixed ("scheduler.last_epoch").
  for (const auto& [name, tensor] : optimizer) file.insert(std::string(kOptimizer) + name, tensor);
  file.metadata = optimizer.metadata;
  file.merge(run.model().extra_state_dict(), kExtraState);
  file.metadata[kEpoch] = std::to_string(epochs_done);
  file.metadata[kLoaderEpoch] = std::to_string(loader.epoch());
  file.metadata[kLoaderPosition] = std::to_string(loader.position());
  file.metadata[kConfig] = config_yaml;
  return file;
}

void save_checkpoint(const std::filesystem::path& path, Experiment& run, int64_t epochs_done,
                     const data::DataLoader& loader, const std::string& config_yaml) {
  io::save_safetensors(path, checkpoint_state(run, epochs_done, loader, config_yaml));
}

Checkpoint read_checkpoint(const std::filesystem::path& path) { return parse_checkpoint(io::load_safetensors(path), path); }

Checkpoint parse_checkpoint(io::StateDict contents, const std::filesystem::path& path) {
  Checkpoint c;
  c.path = path;
  c.contents = std::move(contents);
  c.epochs_done = count(c, kEpoch, "a whole number of epochs >= 0");
  // The trainer writes checkpoints where an epoch ends, and an epoch's metrics exist only once
  // it is whole: a loader anywhere else is a damaged or foreign file. Checkpoints from before
  // the loader was recorded were all written there.
  const std::string epochs = "the epochs done (" + std::to_string(c.epochs_done) + ", as '" + kEpoch + "')";
  c.loader.epoch = count(c, kLoaderEpoch, epochs, c.epochs_done);
  if (c.loader.epoch != c.epochs_done) malformed(path, kLoaderEpoch, epochs, metadata(c, kLoaderEpoch));
  c.loader.position = count(c, kLoaderPosition, "0, the start of an epoch (minidl resumes at epoch boundaries)", 0);
  if (c.loader.position != 0)
    malformed(path, kLoaderPosition, "0, the start of an epoch (minidl resumes at epoch boundaries)",
              metadata(c, kLoaderPosition));
  try {
    c.config = YAML::Load(metadata(c, kConfig));
  } catch (const YAML::Exception& e) {
    throw IOError(path.string() + ": metadata '" + kConfig + "' is not valid YAML: " + e.msg);
  }
  if (!c.config.IsMap()) malformed(path, kConfig, "a config (a YAML map)", metadata(c, kConfig));
  return c;
}

void check_resumable(const Checkpoint& checkpoint, const Config& config) {
  const Location where{config.file.empty() ? "config" : config.file};
  if (config.train.epochs < checkpoint.epochs_done)
    throw ConfigError(where, "--resume: train.epochs is " + std::to_string(config.train.epochs) +
                                 ", but the checkpoint '" + checkpoint.path.string() + "' already has " +
                                 std::to_string(checkpoint.epochs_done) + " epochs");
  std::string refused;
  for (const ConfigChange& change : config_changes(checkpoint.config, to_yaml(config))) {
    if (change.key == "train.epochs" || change.key == "threads" || change.key == "output") continue;
    refused += (refused.empty() ? "" : "; ") + to_string(change);
  }
  if (!refused.empty())
    throw ConfigError(where, "--resume: the config differs from the one the checkpoint '" +
                                 checkpoint.path.string() + "' was written with: " + refused +
                                 " (only train.epochs, threads and output may change)");
}

bool is_checkpoint(const io::StateDict& contents) { return contents.metadata.contains(kEpoch); }

void load_checkpoint_model(const Checkpoint& checkpoint, nn::Module& model) {
  try {
    model.load_state_dict(checkpoint.contents.extract(kModel), /*strict=*/true);
  } catch (const Error& e) {
    throw IOError(checkpoint.path.string() + ": " + e.what());
  }
}

void restore_checkpoint(const Checkpoint& checkpoint, Experiment& run, data::DataLoader& loader) {
  const io::StateDict& contents = checkpoint.contents;
  optim::StateDict optimizer = contents.extract(kOptimizer);
  optimizer.metadata = contents.metadata;
  // The scheduler steps once per epoch: any other count is a damaged or foreign file.
  if (run.scheduler()) {
    const std::string& last_epoch = metadata(checkpoint, "scheduler.last_epoch");
    if (last_epoch != std::to_string(checkpoint.epochs_done))
      malformed(checkpoint.path, "scheduler.last_epoch",
                "the epochs done (" + std::to_string(checkpoint.epochs_done) + ", as '" + kEpoch + "')", last_epoch);
  }
  try {
    load_checkpoint_model(checkpoint, run.model());
    run.optimizer().load_state_dict(optimizer);
    if (run.scheduler()) run.scheduler()->load_state_dict(optimizer);
    run.model().load_extra_state_dict(contents.extract(kExtraState));
    loader.set_epoch(checkpoint.loader.epoch);
    loader.set_position(checkpoint.loader.position);
  } catch (const IOError&) {
    throw;
  } catch (const Error& e) {
    throw IOError(checkpoint.path.string() + ": " + e.what());
  }
}

}  // namespace minidl::experiment
