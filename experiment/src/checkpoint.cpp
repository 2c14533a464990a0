#include "minidl/experiment/checkpoint.hpp"

#include <bit>
#include <charconv>
#include <limits>
#include <optional>
#include <string_view>

#include "minidl/experiment/config_diff.hpp"
#include "minidl/core/number_text.hpp"
#include "minidl/nn/dropout.hpp"
#include "minidl/optim/state_dict.hpp"

namespace minidl::experiment {

namespace {

constexpr const char* kModel = "model.";
constexpr const char* kOptimizer = "optimizer.";
constexpr const char* kRng = "minidl.rng.";
constexpr const char* kEpoch = "minidl.epoch";
constexpr const char* kConfig = "minidl.config";

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// The whole of `text` as an unsigned decimal integer no larger than `max`.
std::optional<uint64_t> parse_whole(std::string_view text, uint64_t max) {
  return parse_integer<uint64_t>(text, 0, max);
}

[[noreturn]] void malformed(const std::filesystem::path& path, const std::string& key, const std::string& expected,
                            const std::string& value) {
  constexpr size_t kShown = 60;  // a hostile value can be huge: show its start only
  const std::string shown = value.size() > kShown ? value.substr(0, kShown) + "..." : value;
  throw IOError(path.string() + ": metadata '" + key + "' must be " + expected + ", got '" + shown + "'");
}

std::string encode(const Generator::State& s) {
  return std::to_string(s.state) + " " + std::to_string(s.inc) + " " + (s.has_spare ? "1" : "0") + " " +
         std::to_string(std::bit_cast<uint32_t>(s.spare));
}

// "state inc has_spare spare", as encode writes it, and nothing else.
Generator::State decode(const std::string& text, const std::filesystem::path& path, const std::string& key) {
  std::optional<uint64_t> fields[4];
  constexpr uint64_t kMax[4] = {std::numeric_limits<uint64_t>::max(), std::numeric_limits<uint64_t>::max(), 1,
                                std::numeric_limits<uint32_t>::max()};
  std::string_view rest = text;
  for (int i = 0; i < 4; ++i) {
    const size_t space = i < 3 ? rest.find(' ') : rest.size();
    if (space == std::string_view::npos) break;
    fields[i] = parse_whole(rest.substr(0, space), kMax[i]);
    rest.remove_prefix(std::min(space + 1, rest.size()));
  }
  for (const auto& field : fields)
    if (!field) malformed(path, key, "four integers 'state inc has_spare spare'", text);
  return {*fields[0], *fields[1], *fields[2] != 0, std::bit_cast<float>(static_cast<uint32_t>(*fields[3]))};
}

// Dropout layers own their generators; their states are the run's only random state once
// it has started (shuffles are a function of seed and epoch).
std::vector<std::pair<std::string, nn::Dropout*>> dropouts(Experiment& run) {
  std::vector<std::pair<std::string, nn::Dropout*>> out;
  for (auto& [name, module] : run.model().named_modules())
    if (auto* d = dynamic_cast<nn::Dropout*>(module)) out.emplace_back(name, d);
  return out;
}

const std::string& metadata(const Checkpoint& checkpoint, const std::string& key) {
  const auto it = checkpoint.contents.metadata.find(key);
  if (it == checkpoint.contents.metadata.end())
    throw IOError(checkpoint.path.string() + ": not a minidl checkpoint (no '" + key + "' in its metadata)");
  return it->second;
}

}  // namespace

void save_checkpoint(const std::filesystem::path& path, Experiment& run, int64_t epochs_done,
                     const std::string& config_yaml) {
  nn::StateDict tensors;
  for (const auto& [name, tensor] : run.model().state_dict()) tensors.insert(kModel + name, tensor);
  optim::StateDict optimizer = run.optimizer().state_dict();
  if (run.scheduler()) optimizer.merge(run.scheduler()->state_dict());
  for (const auto& [name, tensor] : optimizer.tensors) tensors.insert(kOptimizer + name, tensor);

  // Checkpoints fall on epoch boundaries, where the loader's position is the epoch's start:
  // the epoch count is all it needs.
  nn::SafetensorsMetadata meta = optimizer.metadata;
  meta[kEpoch] = std::to_string(epochs_done);
  meta[kConfig] = config_yaml;
  for (const auto& [name, dropout] : dropouts(run)) meta[kRng + name] = encode(dropout->generator().state());
  nn::save_safetensors(path, tensors, meta);
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  Checkpoint c;
  c.path = path;
  c.contents = nn::load_safetensors(path);
  const std::string& epoch = metadata(c, kEpoch);
  const auto epochs_done = parse_whole(epoch, std::numeric_limits<int64_t>::max());
  if (!epochs_done) malformed(path, kEpoch, "a whole number of epochs >= 0", epoch);
  c.epochs_done = static_cast<int64_t>(*epochs_done);
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

void restore_checkpoint(const Checkpoint& checkpoint, Experiment& run) {
  const std::string& path = checkpoint.path.string();
  nn::StateDict weights;
  optim::StateDict optimizer;
  optimizer.metadata = checkpoint.contents.metadata;
  for (const auto& [name, tensor] : checkpoint.contents.tensors) {
    if (starts_with(name, kModel)) weights.insert(name.substr(std::string(kModel).size()), tensor);
    else if (starts_with(name, kOptimizer))
      optimizer.tensors.emplace_back(name.substr(std::string(kOptimizer).size()), tensor);
  }
  // The scheduler steps once per epoch: any other count is a damaged or foreign file.
  if (run.scheduler()) {
    const std::string& last_epoch = metadata(checkpoint, "scheduler.last_epoch");
    if (last_epoch != std::to_string(checkpoint.epochs_done))
      malformed(checkpoint.path, "scheduler.last_epoch",
                "the epochs done (" + std::to_string(checkpoint.epochs_done) + ", as '" + kEpoch + "')", last_epoch);
  }
  std::vector<std::pair<nn::Dropout*, Generator::State>> generators;
  for (const auto& [name, dropout] : dropouts(run))
    generators.emplace_back(dropout, decode(metadata(checkpoint, kRng + name), checkpoint.path, kRng + name));
  try {
    run.model().load_state_dict(weights, /*strict=*/true);
    run.optimizer().load_state_dict(optimizer);
    if (run.scheduler()) run.scheduler()->load_state_dict(optimizer);
  } catch (const IOError&) {
    throw;
  } catch (const Error& e) {
    throw IOError(path + ": " + e.what());
  }
  for (const auto& [dropout, state] : generators) dropout->generator().set_state(state);
}

}  // namespace minidl::experiment
