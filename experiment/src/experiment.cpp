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

// The fewest samples a batch of an epoch holds; 0 when no batch remains.
int64_t smallest_batch(int64_t samples, int64_t batch_size, bool drop_last) {
  const int64_t rest = samples % batch_size;
  if (samples >= batch_size) return rest > 0 && !drop_last ? rest : batch_size;
  return drop_last ? 0 : samples;
}

// A batch size a little above `batch_size` whose batches all hold `need` samples or more; 0 if
// none is near.
int64_t batch_size_that_fits(int64_t samples, int64_t batch_size, int64_t need) {
  constexpr int64_t kNear = 64;
  for (int64_t k = batch_size + 1; k <= std::min(samples, batch_size + kNear); ++k)
    if (smallest_batch(samples, k, false) >= need) return k;
  return 0;
}

// A batch smaller than a layer needs in training (BatchNorm over one value per channel with a
// last batch of one) would stop the run mid-epoch; the sizes are known before training.
void check_batches_fit(const DataConfig& data, int64_t samples, const BatchNeed& need) {
  const int64_t smallest = smallest_batch(samples, data.batch_size, data.drop_last);
  if (smallest == 0 || smallest >= need.samples) return;
  const std::string layer = "layer " + std::to_string(need.layer) + " (" + need.type + ") needs at least " +
                            std::to_string(need.samples) + " samples in each training batch";
  if (data.batch_size < need.samples)
    throw ConfigError(data.batch_size_where, "data.batch_size: " + std::to_string(data.batch_size) + " is too small: " +
                                                 layer + "; use a batch size of at least " +
                                                 std::to_string(need.samples));
  const int64_t fits = batch_size_that_fits(samples, data.batch_size, need.samples);
  throw ConfigError(data.batch_size_where,
                    "data.batch_size: " + std::to_string(data.batch_size) + " leaves a last batch of " +
                        std::to_string(smallest) + " of the " + std::to_string(samples) + " training samples" +
                        (data.validation_split > 0 ? " left after the validation split" : "") + ", but " +
                        layer + ": set data.drop_last: true to drop that batch, or another batch size" +
                        (fits > 0 ? " (" + std::to_string(fits) + " leaves none that small)" : ""));
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
  check_batches_fit(config_.data, train_->size(), built.batch_need);

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
