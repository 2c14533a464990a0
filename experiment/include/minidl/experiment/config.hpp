#pragma once
// Config: a YAML experiment file read into typed, validated settings. Every mistake is one
// ConfigError naming file:line:column (or the command-line override that caused it).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "minidl/experiment/config_node.hpp"
#include "minidl/core/options.hpp"
#include "minidl/experiment/component_config.hpp"

namespace minidl::experiment {

/// A factor applied in float32 must be a normal float32, or every feature becomes inf or 0.
inline constexpr Check<double> float32_factor{
    [](const double& v) { return v >= 1.1754943508222875e-38 && v <= 3.4028234663852886e+38; },
    "> 0 and a number float32 can hold, from 1.2e-38 to 3.4e+38"};

/// `data.transform`: applied to every feature; statistics come from the training data only.
struct TransformConfig {
  double scale = 1.0;
  bool standardize = false;
  bool standardize_target = false;
  static constexpr auto fields() {
    return std::tuple{option("scale", &TransformConfig::scale, float32_factor,
                             "multiplies every feature (0.0625 maps pixels 0..16 to 0..1)"),
                      option("standardize", &TransformConfig::standardize, check::flag,
                             "(x - mean) / std per feature, mean and std of the training part only"),
                      option("standardize_target", &TransformConfig::standardize_target, check::flag,
                             "regression: trains on (y - mean) / std of the training targets; metrics and "
                             "predictions stay in the original units")};
  }
};

/// `data`: where samples come from and how they are batched.
struct DataConfig {
  ComponentConfig train;
  /// `validation: {type: ...}`: a separate source.
  std::optional<ComponentConfig> validation;
  /// `validation: {split: f}`: a seeded fraction of `train` instead (0: none).
  double validation_split = 0.0;
  Location validation_where;  // of `validation`, or of its split's value
  TransformConfig transform;
  Location transform_where;
  int64_t batch_size = 32;
  Location batch_size_where;
  bool shuffle = true;
  bool drop_last = false;
  Location drop_last_where;
  /// The keys read as components or sections, not as options: train, validation, transform.
  static std::span<const std::string> sections();
  static constexpr auto fields() {
    return std::tuple{option("batch_size", &DataConfig::batch_size, check::positive_int, "samples per batch"),
                      option("shuffle", &DataConfig::shuffle, check::flag,
                             "a new order every epoch, a function of (seed, epoch)"),
                      option("drop_last", &DataConfig::drop_last, check::flag,
                             "drop an epoch's last, smaller batch (an error when no batch would remain)")};
  }
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
  /// Only the options the group sets (the rest are the optimizer's), with where each was written.
  ComponentConfig options;
  Location where;
};

/// `optimizer`: an optim-layer optimizer by name, its options and parameter groups.
struct OptimizerConfig {
  ComponentConfig optimizer;
  std::vector<ParamGroupConfig> param_groups;
};

/// The epoch metrics early stopping and the best weights can follow.
inline constexpr std::string_view kMonitoredMetrics[] = {"val_loss", "val_accuracy", "train_loss"};
inline constexpr std::string_view kMonitorModes[] = {"min", "max"};

/// `train.early_stopping`: stop when a metric has not improved for `patience` epochs
/// (PyTorch Lightning's EarlyStopping).
struct EarlyStoppingConfig {
  std::string metric = "val_loss";
  std::string mode = "min";
  int64_t patience = 5;
  double min_delta = 0.0;
  static constexpr auto fields() {
    return std::tuple{option("metric", &EarlyStoppingConfig::metric, check::one_of(kMonitoredMetrics),
                             "the metrics.csv column watched (also picks model_best.safetensors)"),
                      option("mode", &EarlyStoppingConfig::mode, check::one_of(kMonitorModes),
                             "min: lower is better (losses); max: higher is better (accuracy)"),
                      option("patience", &EarlyStoppingConfig::patience, check::positive_int,
                             "epochs without improvement before training stops"),
                      option("min_delta", &EarlyStoppingConfig::min_delta, check::non_negative,
                             "an improvement must exceed this")};
  }
};

/// `train`: the loop's own settings.
struct TrainConfig {
  int64_t epochs = 10;
  double clip_grad_norm = 0.0;
  /// Unset: train every epoch (model_best.safetensors then follows val_loss, or train_loss
  /// without validation data).
  std::optional<EarlyStoppingConfig> early_stopping;
  Location early_stopping_where;
  /// The keys read as sections, not as options: early_stopping.
  static std::span<const std::string> sections();
  static constexpr auto fields() {
    return std::tuple{option("epochs", &TrainConfig::epochs, check::positive_int, "epochs to train"),
                      option("clip_grad_norm", &TrainConfig::clip_grad_norm, check::non_negative,
                             "clips the gradients' total 2-norm before each step; 0 disables")};
  }
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
