#pragma once
// Experiment: a config made ready to train — data loaded, model built, loss, optimizer and scheduler
// made. Constructing one is the whole validation: nothing has trained yet when it throws.
#include <memory>
#include <string>
#include <vector>

#include "minidl/core/generator.hpp"
#include "minidl/data/dataset.hpp"
#include "minidl/experiment/config.hpp"
#include "minidl/experiment/data_builder.hpp"
#include "minidl/experiment/loss_registry.hpp"
#include "minidl/experiment/preprocessing.hpp"
#include "minidl/nn/sequential.hpp"
#include "minidl/optim/optimizer.hpp"
#include "minidl/optim/scheduler.hpp"

namespace minidl::experiment {

class Experiment {
 public:
  /// Builds everything `config` names; ConfigError (located) for whatever does not fit. Sets
  /// the thread count when the config gives one. The data transform uses `saved` (a trained
  /// run's preprocessing) when given, else is fitted on the training part.
  explicit Experiment(Config config, const Preprocessing* saved = nullptr);
  /// The same for data already loaded (the training data's shapes are all the model needs).
  Experiment(Config config, RunData data);

  /// The resolved config: inferred layer sizes and the metrics in force filled in.
  const Config& config() const { return config_; }
  nn::Sequential& model() { return *model_; }
  const data::Dataset& train_data() const { return *train_; }
  /// The data transform in force (what a run saves as preprocessing.safetensors).
  const Preprocessing& preprocessing() const { return preprocessing_; }
  /// Null when the config has no validation data.
  const data::Dataset* validation_data() const { return validation_.get(); }
  std::shared_ptr<const data::Dataset> train_data_ptr() const { return train_; }
  const LossFn& loss() const { return loss_; }
  optim::Optimizer& optimizer() { return *optimizer_; }
  /// Null without a scheduler.
  optim::Scheduler* scheduler() { return scheduler_.get(); }
  /// Classification (accuracy is measured) or regression.
  bool is_classification() const { return train_->task() == data::Task::Classification; }
  bool reports_accuracy() const;

  /// The model table (layer, output shape, parameters) for `minidl check`.
  std::string model_summary();
  /// What runs but is likely a mistake, one line each with its place in the config (a model
  /// that ends in softmax before cross_entropy); `minidl train` and `check` print them.
  const std::vector<ConfigWarning>& warnings() const { return warnings_; }

 private:
  Config config_;
  std::shared_ptr<const data::Dataset> train_;
  std::shared_ptr<const data::Dataset> validation_;
  Preprocessing preprocessing_;
  std::shared_ptr<nn::Sequential> model_;
  LossFn loss_;
  std::unique_ptr<optim::Optimizer> optimizer_;
  std::unique_ptr<optim::Scheduler> scheduler_;
  std::vector<ConfigWarning> warnings_;
};

}  // namespace minidl::experiment
