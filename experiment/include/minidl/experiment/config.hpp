#pragma once
// Config: a YAML experiment file read into typed, validated settings. Every mistake is one
// ConfigError naming file:line:column (or the command-line override that caused it).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "minidl/experiment/config_node.hpp"
#include "minidl/experiment/registry.hpp"

namespace minidl::experiment {

/// `data.transform`: applied to every feature; statistics come from the training data only.
struct TransformConfig {
  double scale = 1.0;        // multiply features by this (0.0625 maps 0..16 pixels to 0..1)
  bool standardize = false;  // (x - mean) / std per feature
};

/// `data`: where samples come from and how they are batched.
struct DataConfig {
  ComponentConfig train;
  /// `validation: {type: ...}`: a separate source.
  std::optional<ComponentConfig> validation;
  /// `validation: {split: f}`: a seeded fraction of `train` instead (0: none).
  double validation_split = 0.0;
  Location validation_where;
  TransformConfig transform;
  int64_t batch_size = 32;
  bool shuffle = true;
  bool drop_last = false;
  Location drop_last_where;
};

/// One entry of `model`: a layer and, optionally, how to initialise each of its parameters.
struct LayerConfig {
  ComponentConfig layer;
  /// Parameter name ("weight", "bias") -> initialiser, in the order written.
  std::vector<std::pair<std::string, ComponentConfig>> init;
};

/// `model`: a list of layers, or a map {layers, init_from}.
struct ModelConfig {
  std::vector<LayerConfig> layers;
  /// A weights file (safetensors, PyTorch state_dict names) to start from; "" for none.
  std::string init_from;
  Location init_from_where;
};

/// `optimizer.param_groups[i]`: parameters whose names match a pattern get other options.
struct ParamGroupConfig {
  /// Glob patterns over parameter names ("*.bias", "0.*"); `*` matches any run of characters.
  std::vector<std::string> params;
  Options options;
  Location where;
};

/// `optimizer`: an optim-layer optimizer by name, its options and parameter groups.
struct OptimizerConfig {
  ComponentConfig optimizer;
  std::vector<ParamGroupConfig> param_groups;
};

/// `train`: the loop's own settings.
struct TrainConfig {
  int64_t epochs = 10;
  /// Clip the gradients' total 2-norm to this before each step; 0 disables.
  double clip_grad_norm = 0.0;
};

/// A whole experiment.
struct Config {
  std::string name;
  uint64_t seed = 0;
  /// Threads for TBB; 0 uses every core.
  int threads = 0;
  DataConfig data;
  ModelConfig model;
  ComponentConfig loss;
  OptimizerConfig optimizer;
  std::optional<ComponentConfig> scheduler;
  TrainConfig train;
  /// "loss", "accuracy"; empty means loss, plus accuracy for classification.
  std::vector<std::string> metrics;
  Location metrics_where;
  /// The run's folder; "" (no `output` key) gives each run a new runs/<name>/version_<N>.
  std::string output;
  /// The file it was read from ("" when made in code).
  std::string file;
};

/// The top-level keys of a config, in the order the resolved config prints them.
std::span<const std::string> config_keys();

/// Reads and validates `file` after applying `overrides` ("optimizer.lr=0.01").
Config load_config(const std::string& file, std::span<const std::string> overrides = {});
/// The same for YAML text; `origin` stands for the file name in messages.
Config parse_config(const std::string& text, const std::string& origin,
                    std::span<const std::string> overrides = {});
/// Validates an already parsed tree (see load_config_tree).
Config read_config(const ConfigNode& root);

/// The resolved config (every default filled in) as YAML; reading it back gives the same Config.
YAML::Node to_yaml(const Config& config);
/// to_yaml as text, as written to config.yaml and printed by `minidl check`.
std::string to_yaml_text(const Config& config);

}  // namespace minidl::experiment
