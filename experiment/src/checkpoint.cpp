#include "minidl/experiment/checkpoint.hpp"

#include <bit>
#include <sstream>

#include "minidl/nn/dropout.hpp"
#include "minidl/nn/safetensors.hpp"
#include "minidl/optim/state_dict.hpp"

namespace minidl::experiment {

namespace {

constexpr const char* kModel = "model.";
constexpr const char* kOptimizer = "optimizer.";
constexpr const char* kRng = "minidl.rng.";

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

std::string encode(const Generator::State& s) {
  return std::to_string(s.state) + " " + std::to_string(s.inc) + " " + (s.has_spare ? "1" : "0") + " " +
         std::to_string(std::bit_cast<uint32_t>(s.spare));
}

Generator::State decode(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  uint64_t state = 0, inc = 0;
  int has_spare = 0;
  uint32_t spare = 0;
  if (!(in >> state >> inc >> has_spare >> spare))
    throw IOError(path + ": malformed generator state '" + text + "'");
  return {state, inc, has_spare != 0, std::bit_cast<float>(spare)};
}

// Dropout layers own their generators; their states are the run's only random state once
// it has started (shuffles are a function of seed and epoch).
std::vector<std::pair<std::string, nn::Dropout*>> dropouts(Experiment& run) {
  std::vector<std::pair<std::string, nn::Dropout*>> out;
  for (auto& [name, module] : run.model().named_modules())
    if (auto* d = dynamic_cast<nn::Dropout*>(module)) out.emplace_back(name, d);
  return out;
}

std::string history_text(const std::vector<EpochMetrics>& rows) {
  std::string text;
  for (const EpochMetrics& m : rows) text += to_csv_row(m) + "\n";
  return text;
}

}  // namespace

void save_checkpoint(const std::filesystem::path& path, Experiment& run, const TrainingState& state) {
  nn::StateDict tensors;
  for (const auto& [name, tensor] : run.model().state_dict()) tensors.insert(kModel + name, tensor);
  optim::StateDict optimizer = run.optimizer().state_dict();
  if (run.scheduler()) optimizer.merge(run.scheduler()->state_dict());
  for (const auto& [name, tensor] : optimizer.tensors) tensors.insert(kOptimizer + name, tensor);

  nn::SafetensorsMetadata metadata = optimizer.metadata;
  metadata["minidl.epoch"] = std::to_string(state.epochs_done);
  metadata["minidl.loader.epoch"] = std::to_string(state.epochs_done);
  metadata["minidl.loader.position"] = "0";
  metadata["minidl.metrics"] = history_text(state.history);
  metadata["minidl.config"] = to_yaml_text(run.config());
  for (const auto& [name, dropout] : dropouts(run)) metadata[kRng + name] = encode(dropout->generator().state());
  nn::save_safetensors(path, tensors, metadata);
}

TrainingState load_checkpoint(const std::filesystem::path& path, Experiment& run) {
  const nn::SafetensorsFile file = nn::load_safetensors(path);
  const auto meta = [&](const std::string& key) -> const std::string& {
    const auto it = file.metadata.find(key);
    if (it == file.metadata.end())
      throw IOError(path.string() + ": not a minidl checkpoint (no '" + key + "' in its metadata)");
    return it->second;
  };

  nn::StateDict weights;
  optim::StateDict optimizer;
  optimizer.metadata = file.metadata;
  for (const auto& [name, tensor] : file.tensors) {
    if (starts_with(name, kModel)) weights.insert(name.substr(std::string(kModel).size()), tensor);
    else if (starts_with(name, kOptimizer))
      optimizer.tensors.emplace_back(name.substr(std::string(kOptimizer).size()), tensor);
  }
  run.model().load_state_dict(weights, /*strict=*/true);
  run.optimizer().load_state_dict(optimizer);
  if (run.scheduler()) run.scheduler()->load_state_dict(optimizer);
  for (const auto& [name, dropout] : dropouts(run))
    dropout->generator().set_state(decode(meta(kRng + name), path.string()));

  TrainingState state;
  state.epochs_done = std::stoll(meta("minidl.epoch"));
  std::istringstream rows(meta("minidl.metrics"));
  for (std::string row; std::getline(rows, row);)
    if (!row.empty()) state.history.push_back(parse_csv_row(row));
  return state;
}

}  // namespace minidl::experiment
