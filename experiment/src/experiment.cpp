#include "minidl/experiment/experiment.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "minidl/core/parallel.hpp"
#include "minidl/experiment/data_builder.hpp"
#include "minidl/experiment/early_stopping.hpp"
#include "minidl/experiment/model_builder.hpp"
#include "minidl/experiment/optimizer_builder.hpp"
#include "minidl/nn/summary.hpp"

namespace minidl::experiment {

namespace {

std::vector<std::string> resolve_metrics(const Config& config, bool classification) {
  if (config.metrics.empty()) {
    if (classification) return {"loss", "accuracy"};
    return {"loss"};
  }
  if (!classification && std::find(config.metrics.begin(), config.metrics.end(), "accuracy") !=
                             config.metrics.end())
    throw ConfigError(config.metrics_where, "metric 'accuracy' needs classification data, but the "
                                            "training targets are regression values");
  return config.metrics;
}

// The smallest and largest of the dataset's (float) targets.
std::pair<double, double> target_range(const data::Dataset& dataset) {
  double low = std::numeric_limits<double>::infinity(), high = -low;
  data::visit_targets(dataset, [&](int64_t, const Tensor& targets) {
    for (const float t : targets.to_vector()) {
      low = std::min<double>(low, t);
      high = std::max<double>(high, t);
    }
    return true;
  });
  return {low, high};
}

// The thread count is set before the data is read: loading runs on it too.
RunData threads_then_data(const Config& config, const Preprocessing* saved) {
  if (config.threads > 0) set_num_threads(config.threads);
  return build_data(config.data, config.seed, saved);
}

}  // namespace

Experiment::Experiment(Config config, const Preprocessing* saved)
    : Experiment(config, threads_then_data(config, saved)) {}

Experiment::Experiment(Config config, RunData data) : config_(std::move(config)) {
  if (config_.threads > 0) set_num_threads(config_.threads);
  train_ = std::move(data.train);
  validation_ = std::move(data.validation);
  preprocessing_ = std::move(data.preprocessing);

  Generator gen(config_.seed);
  BuiltModel built = build_model(config_.model, train_->feature_shape(), gen);
  model_ = std::move(built.net);

  const LossEntry& loss = losses().find(config_.loss.type);
  check_loss_fits(config_.loss.type, loss.make.targets,
                  {train_->task(), built.output, train_->target_shape(), train_->num_classes(),
                   [this] { return target_range(*train_); }, built.output_where, config_.loss.where});
  if (!config_.model.layers.empty())
    if (std::optional<ConfigWarning> warning =
            loss_input_warning(config_.loss.type, loss.make.takes, model_->outputs(),
                               config_.model.layers.back().layer.type, config_.model.layers.back().layer.where))
      warnings_.push_back(std::move(*warning));
  loss_ = config_.loss.build([&] { return loss.make.make(config_.loss.map()); });
  config_.metrics = resolve_metrics(config_, is_classification());
  check_early_stopping(config_.train, validation_ != nullptr, reports_accuracy());

  optimizer_ = make_optimizer(config_.optimizer, model_->named_parameters());
  if (config_.scheduler) scheduler_ = make_scheduler(*config_.scheduler, *optimizer_);
}

bool Experiment::reports_accuracy() const {
  return std::find(config_.metrics.begin(), config_.metrics.end(), "accuracy") != config_.metrics.end();
}

std::string Experiment::model_summary() {
  Shape input = train_->feature_shape();
  input.insert(0, 1);
  return nn::summary(*model_, input);
}

}  // namespace minidl::experiment
