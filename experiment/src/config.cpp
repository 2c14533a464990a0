#include "minidl/experiment/config.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>

#include "minidl/core/number_text.hpp"
#include "minidl/experiment/dataset_registry.hpp"
#include "minidl/experiment/init_registry.hpp"
#include "minidl/experiment/layer_registry.hpp"
#include "minidl/experiment/loss_registry.hpp"
#include "minidl/optim/registry.hpp"

namespace minidl::experiment {

namespace {

const std::string kTopKeys[] = {"name",      "seed",      "threads", "data",    "model", "loss",
                                "optimizer", "scheduler", "train",   "metrics", "output"};
const std::string kMetrics[] = {"loss", "accuracy"};

bool has_control_character(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A run's name names its folder (runs/<name>): a name, not a path.
std::string read_name(const ConfigNode& node) {
  const std::string name = node.as_string();
  if (name.empty() || name == "." || name == ".." || name.find_first_of("/\\") != std::string::npos ||
      has_control_character(name))
    node.fail("expected a run name (it names the folder runs/<name>): not empty, not '.' or '..', "
              "without '/', '\\' or control characters; got '" + name + "'");
  return name;
}

const std::string kDataSections[] = {"train", "validation", "transform"};
const std::string kTrainSections[] = {"early_stopping"};

TrainConfig read_train(const ConfigNode& node) {
  TrainConfig t = read_section<TrainConfig>(node, TrainConfig::sections());
  if (node.is_map() && node.has("early_stopping")) {
    t.early_stopping = read_section<EarlyStoppingConfig>(node["early_stopping"]);
    t.early_stopping_where = node["early_stopping"].location();
  }
  return t;
}

DataConfig read_data(const ConfigNode& node) {
  node.expect_map();
  DataConfig d = read_section<DataConfig>(node, DataConfig::sections());
  d.train = read_component(node.require("train"), kind_of(datasets()));
  const ConfigNode v = node["validation"];
  d.validation_where = v.location();
  if (v.is_map() && v.has("split") && !v.has("type")) {  // a source may have its own `split` option
    v.check_keys({"split"});
    d.validation_split = v["split"].as_number(Range{0.0, 1.0, true, true});
    d.validation_where = v["split"].location();
  } else if (v.is_map() && !v.has("type")) {
    v.fail("expected {split: fraction} or a data source with 'type' (one of " +
           join_names(datasets().names()) + ")");
  } else if (!v.is_null()) {
    try {
      d.validation = read_component(v, kind_of(datasets()));
    } catch (const ConfigError& e) {
      // A fraction meant to hold out part of the training data (`data.validation.split=0.1`)
      // that reached a source's own `split` (Fashion-MNIST's train or test).
      const bool fraction_at_split = v.is_map() && v.has("split") && v["split"].is_number() &&
                                     e.where().to_string() == v["split"].location().to_string();
      if (!fraction_at_split) throw;
      throw ConfigError(e.where(), e.problem() + " (to hold out a fraction of the training data instead, write " +
                                       "data.validation={split: " + format_number(v["split"].as_number()) + "})");
    }
  }
  d.transform = read_section<TransformConfig>(node["transform"]);
  d.transform_where = node["transform"].location();
  d.batch_size_where = node["batch_size"].location();
  d.drop_last_where = node["drop_last"].location();
  return d;
}

LayerConfig read_layer(const ConfigNode& node) {
  static const std::string kInit[] = {"init"};
  LayerConfig layer{read_component(node, kind_of(layers()), kInit), {}};
  if (!node.is_map() || !node.has("init")) return layer;
  const ConfigNode init = node["init"];
  if (!init.is_map())
    init.fail("expected a map from parameter name to initialiser ({weight: xavier_uniform, "
              "bias: zeros}), got " + init.describe());
  for (const auto& [param, spec] : init.entries())
    layer.init.emplace_back(param, read_component(spec, kind_of(initializers())));
  return layer;
}

ModelConfig read_model(const ConfigNode& node) {
  ModelConfig m;
  if (node.is_map()) {
    node.check_keys({"layers", "init_from"});
    if (node.has("init_from")) {
      m.init_from = node["init_from"].as_string();
      m.init_from_where = node["init_from"].location();
    }
  } else if (!node.is_list()) {
    node.fail("expected a list of layers or a map {layers: [...], init_from: file}, got " +
              node.describe());
  }
  const ConfigNode list = node.is_map() ? node.require("layers") : node;
  list.expect_list();
  if (list.size() == 0) list.fail("expected at least one layer");
  for (const ConfigNode& item : list.items()) m.layers.push_back(read_layer(item));
  return m;
}

std::vector<std::string> read_patterns(const ConfigNode& node) {
  if (node.is_scalar()) return {node.as_string()};
  if (!node.is_list())
    node.fail("expected a parameter-name pattern or a list of them, got " + node.describe());
  std::vector<std::string> out;
  for (const ConfigNode& item : node.items()) out.push_back(item.as_string());
  if (out.empty()) node.fail("expected at least one parameter-name pattern");
  return out;
}

OptimizerConfig read_optimizer(const ConfigNode& node) {
  static const std::string kReserved[] = {"param_groups"};
  OptimizerConfig o{read_component(node, kind_of(optim::optimizers()), kReserved), {}};
  if (!node.is_map() || !node.has("param_groups")) return o;
  const ConfigNode groups = node["param_groups"];
  groups.expect_list();
  // A group names only what differs for it; the rest falls back to the optimizer's options,
  // and the two together must be valid options of the optimizer.
  const optim::OptimizerEntry& optimizer = optim::optimizers().find(o.optimizer.type);
  static const std::string kParams[] = {"params"};
  std::vector<std::string> known{"params"};
  for (const OptionInfo& option : optimizer.options) known.push_back(option.name);
  for (const ConfigNode& g : groups.items()) {
    g.expect_map();
    g.check_keys(known);
    auto [given, written] = read_written_options(g, kParams);
    ParamGroupConfig group{read_patterns(g.require("params")),
                           ComponentConfig{o.optimizer.type, OptionList(given.begin(), given.end()), std::move(written),
                                           g.location(), g.path()},
                           g.location()};
    OptionMap merged = o.optimizer.map();
    for (const auto& [name, value] : given) merged.insert_or_assign(name, value);
    group.options.build([&] { return optimizer.resolve(merged); });
    o.param_groups.push_back(std::move(group));
  }
  return o;
}

std::vector<std::string> read_metrics(const ConfigNode& node) {
  node.expect_list();
  std::vector<std::string> out;
  for (const ConfigNode& item : node.items()) {
    const std::string m = item.as_string();
    if (m != kMetrics[0] && m != kMetrics[1])
      item.fail("unknown metric '" + m + "'" + did_you_mean(m, kMetrics) +
                "; known: " + join_names(kMetrics));
    out.push_back(m);
  }
  return out;
}

YAML::Node flow(YAML::Node node) {
  node.SetStyle(YAML::EmitterStyle::Flow);
  return node;
}

YAML::Node number(double v) { return to_yaml(OptionValue(v)); }

}  // namespace

std::span<const std::string> DataConfig::sections() { return kDataSections; }
std::span<const std::string> TrainConfig::sections() { return kTrainSections; }

std::span<const std::string> config_keys() { return kTopKeys; }

Config read_config(const ConfigNode& root) {
  root.check_keys(kTopKeys);
  Config c;
  c.file = root.source()->file;
  c.name = root.has("name") ? read_name(root["name"]) : std::filesystem::path(c.file).stem().string();
  if (root.has("seed")) c.seed = static_cast<uint64_t>(root["seed"].as_int(Range::at_least(0)));
  if (root.has("threads")) c.threads = static_cast<int>(root["threads"].as_int(Range::closed(0, 1024)));
  c.data = read_data(root.require("data"));
  c.model = read_model(root.require("model"));
  c.loss = read_component(root.require("loss"), kind_of(losses()));
  c.optimizer = read_optimizer(root.require("optimizer"));
  if (root.has("scheduler")) c.scheduler = read_component(root["scheduler"], kind_of(optim::schedulers()));
  c.train = read_train(root["train"]);
  if (root.has("metrics")) {
    c.metrics = read_metrics(root["metrics"]);
    c.metrics_where = root["metrics"].location();
  }
  if (root.has("output")) c.output = root["output"].as_string();
  return c;
}

Config load_config(const std::string& file, std::span<const std::string> overrides) {
  return read_config(load_config_tree(file, overrides));
}

Config parse_config(const std::string& text, const std::string& origin,
                    std::span<const std::string> overrides) {
  return read_config(parse_config_tree(text, origin, overrides));
}

namespace {

YAML::Node data_yaml(const DataConfig& d) {
  YAML::Node data(YAML::NodeType::Map);
  data["train"] = flow(to_yaml(d.train));
  if (d.validation) {
    data["validation"] = flow(to_yaml(*d.validation));
  } else if (d.validation_split > 0) {
    YAML::Node split(YAML::NodeType::Map);
    split["split"] = number(d.validation_split);
    data["validation"] = flow(split);
  }
  data["transform"] = flow(section_yaml(d.transform));
  for (const auto& kv : section_yaml(d)) data[kv.first] = kv.second;
  return data;
}

YAML::Node model_yaml(const ModelConfig& m) {
  YAML::Node layers(YAML::NodeType::Sequence);
  for (const LayerConfig& l : m.layers) {
    YAML::Node layer = flow(to_yaml(l.layer));
    if (!l.init.empty()) {
      YAML::Node init(YAML::NodeType::Map);
      for (const auto& [param, spec] : l.init) init[param] = to_yaml(spec);
      layer["init"] = init;
    }
    layers.push_back(layer);
  }
  if (m.init_from.empty()) return layers;
  YAML::Node model(YAML::NodeType::Map);
  model["layers"] = layers;
  model["init_from"] = m.init_from;
  return model;
}

YAML::Node optimizer_yaml(const OptimizerConfig& o) {
  YAML::Node optimizer = to_yaml(o.optimizer);
  if (o.param_groups.empty()) return flow(optimizer);
  YAML::Node groups(YAML::NodeType::Sequence);
  for (const ParamGroupConfig& g : o.param_groups) {
    YAML::Node group(YAML::NodeType::Map);
    YAML::Node patterns(YAML::NodeType::Sequence);
    for (const std::string& p : g.params) patterns.push_back(p);
    group["params"] = flow(patterns);
    for (const auto& [name, value] : g.options.options) group[name] = to_yaml(value);
    groups.push_back(flow(group));
  }
  optimizer["param_groups"] = groups;
  return optimizer;
}

}  // namespace

YAML::Node to_yaml(const Config& c) {
  YAML::Node root(YAML::NodeType::Map);
  root["name"] = c.name;
  root["seed"] = std::to_string(c.seed);
  root["threads"] = std::to_string(c.threads);
  root["data"] = data_yaml(c.data);
  root["model"] = model_yaml(c.model);
  root["loss"] = flow(to_yaml(c.loss));
  root["optimizer"] = optimizer_yaml(c.optimizer);
  if (c.scheduler) root["scheduler"] = flow(to_yaml(*c.scheduler));
  root["train"] = flow(section_yaml(c.train));
  if (c.train.early_stopping) root["train"]["early_stopping"] = flow(section_yaml(*c.train.early_stopping));
  if (!c.metrics.empty()) {
    YAML::Node metrics(YAML::NodeType::Sequence);
    for (const std::string& m : c.metrics) metrics.push_back(m);
    root["metrics"] = flow(metrics);
  }
  if (!c.output.empty()) root["output"] = c.output;
  return root;
}

namespace {

// Strings yaml-cpp would write plain but that read back as something else: control characters
// (a trailing \r is taken for a line break) and the spellings of null.
bool needs_double_quotes(const std::string& s) {
  return s == "~" || s == "null" || s == "Null" || s == "NULL" || has_control_character(s);
}

// Whether `text`, written plain, reads as a flag or a number rather than as a string.
bool reads_as_value(const std::string& text) {
  const ConfigNode plain(YAML::Node(text), "", nullptr);
  return plain.is_bool() || plain.is_int() || plain.is_number();
}

// Emits `node` as yaml-cpp does, but double-quotes the strings that need it.
void emit(YAML::Emitter& out, const YAML::Node& node) {
  const bool flow = node.Style() == YAML::EmitterStyle::Flow;
  if (node.IsMap()) {
    if (flow) out << YAML::Flow;
    out << YAML::BeginMap;
    for (const auto& kv : node) {
      out << YAML::Key;
      emit(out, kv.first);
      out << YAML::Value;
      emit(out, kv.second);
    }
    out << YAML::EndMap;
  } else if (node.IsSequence()) {
    if (flow) out << YAML::Flow;
    out << YAML::BeginSeq;
    for (const YAML::Node& item : node) emit(out, item);
    out << YAML::EndSeq;
  } else if (node.IsScalar()) {
    // A string option tagged "!" (see to_yaml(OptionValue)) that would read back as a number or
    // a flag keeps its quotes: `path: "123"` stays a string.
    const bool text_like_a_value = node.Tag() == "!" && reads_as_value(node.Scalar());
    if (needs_double_quotes(node.Scalar()) || text_like_a_value) out << YAML::DoubleQuoted;
    out << node.Scalar();
  } else {
    out << YAML::Null;
  }
}

}  // namespace

std::string to_yaml_text(const Config& config) {
  YAML::Emitter out;
  emit(out, to_yaml(config));
  return std::string(out.c_str()) + "\n";
}

}  // namespace minidl::experiment
