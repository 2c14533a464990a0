// train.early_stopping stops a run whose metric stopped improving; model_best.safetensors holds
// the best epoch's weights (with or without early stopping); a resume keeps the state.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "expect_config_error.hpp"
#include "minidl/experiment/config.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/experiment/metrics.hpp"
#include "minidl/experiment/trainer.hpp"
#include "minidl/io/safetensors.hpp"
#include "run_helpers.hpp"

namespace {

using namespace minidl;
using namespace minidl::experiment;
namespace fs = std::filesystem;
using minidl::test::scratch;

const std::string kEarlyStopping = "train.early_stopping={metric: val_loss, mode: min, patience: 5, min_delta: 0}";

TrainResult train_iris(const std::string& out, std::vector<std::string> overrides, TrainOptions options = {}) {
  overrides.push_back("output=" + out);
  Experiment run(load_config("configs/iris.yaml", overrides));
  std::ostringstream log;
  return train(run, options, log);
}

// The epoch (from 1) with the lowest val_loss in metrics.csv, the first of equals.
int64_t lowest_val_loss_epoch(const std::string& out, int64_t rows) {
  const std::vector<EpochMetrics> metrics = read_metrics_csv(fs::path(out) / "metrics.csv", rows);
  const auto best = std::min_element(metrics.begin(), metrics.end(),
                                     [](const EpochMetrics& a, const EpochMetrics& b) { return *a.val_loss < *b.val_loss; });
  return best->epoch;
}

void expect_same_weights(const fs::path& a, const fs::path& b) {
  const io::StateDict x = io::load_safetensors(a), y = io::load_safetensors(b);
  ASSERT_EQ(x.names(), y.names());
  for (const auto& [name, tensor] : x) EXPECT_EQ(tensor.to_vector(), y.at(name).to_vector()) << name;
}

}  // namespace

TEST(EarlyStopping, StopsPatienceEpochsAfterTheBestAndKeepsItsWeights) {
  const std::string out = scratch("es_stop");
  const TrainResult r = train_iris(out, {"train.epochs=300", kEarlyStopping});
  EXPECT_TRUE(r.stopped_early);
  EXPECT_LT(r.epochs, 300);
  EXPECT_EQ(r.best_epoch, lowest_val_loss_epoch(out, r.epochs));
  EXPECT_EQ(r.epochs - r.best_epoch, 5);  // patience epochs without improvement

  const auto summary = nlohmann::json::parse(minidl::test::read_file(fs::path(out) / "summary.json"));
  EXPECT_EQ(summary["best_epoch"], r.best_epoch);
  EXPECT_EQ(summary["best_metric"], "val_loss");
  EXPECT_TRUE(summary["stopped_early"].get<bool>());

  // The same run trained for exactly best_epoch epochs ends with model_best's weights.
  const std::string until_best = scratch("es_until_best");
  train_iris(until_best, {"train.epochs=" + std::to_string(r.best_epoch)});
  expect_same_weights(fs::path(out) / "model_best.safetensors", fs::path(until_best) / "model.safetensors");
}

TEST(EarlyStopping, WithoutItModelBestFollowsValLoss) {
  const std::string out = scratch("es_none");
  const TrainResult r = train_iris(out, {"train.epochs=30"});
  EXPECT_FALSE(r.stopped_early);
  EXPECT_EQ(r.epochs, 30);
  EXPECT_EQ(r.best_metric, "val_loss");
  EXPECT_EQ(r.best_epoch, lowest_val_loss_epoch(out, 30));
  EXPECT_TRUE(fs::exists(fs::path(out) / "model_best.safetensors"));
}

TEST(EarlyStopping, AResumedRunStopsWhereAnUninterruptedOneDoes) {
  const std::string whole = scratch("es_whole");
  const TrainResult uninterrupted = train_iris(whole, {"train.epochs=300", kEarlyStopping});
  ASSERT_TRUE(uninterrupted.stopped_early);

  // Interrupted two epochs after the best: the count of epochs without improvement must survive.
  const std::string parts = scratch("es_parts");
  train_iris(parts, {"train.epochs=" + std::to_string(uninterrupted.best_epoch + 2), kEarlyStopping});
  TrainOptions resume;
  resume.resume = true;
  const TrainResult resumed = train_iris(parts, {"train.epochs=300", kEarlyStopping}, resume);
  EXPECT_TRUE(resumed.stopped_early);
  EXPECT_EQ(resumed.epochs, uninterrupted.epochs);
  EXPECT_EQ(resumed.best_epoch, uninterrupted.best_epoch);
  expect_same_weights(fs::path(whole) / "model_best.safetensors", fs::path(parts) / "model_best.safetensors");

  std::ostringstream log;
  Experiment again(load_config("configs/iris.yaml", {{"train.epochs=400", kEarlyStopping, "output=" + parts}}));
  EXPECT_FALSE(train(again, resume, log).trained);
  EXPECT_NE(log.str().find("nothing left to do"), std::string::npos) << log.str();
  EXPECT_NE(log.str().find("stopped early"), std::string::npos) << log.str();
}

TEST(EarlyStopping, AMetricItCannotMeasureOrAContraryModeIsAConfigError) {
  using config_testing::config_error_from;
  const ConfigError no_validation = config_error_from([] {
    Experiment(load_config("configs/linreg.yaml", {{"train.early_stopping={metric: val_loss}"}}));
  });
  EXPECT_NE(std::string(no_validation.what()).find("needs validation data"), std::string::npos) << no_validation.what();
  const ConfigError contrary = config_error_from([] {
    Experiment(load_config("configs/iris.yaml", {{"train.early_stopping={metric: val_accuracy, mode: min}"}}));
  });
  EXPECT_NE(std::string(contrary.what()).find("use mode: max"), std::string::npos) << contrary.what();
  const ConfigError misspelt = config_error_from(
      [] { load_config("configs/iris.yaml", {{"train.early_stopping={patiense: 3}"}}); });
  EXPECT_NE(std::string(misspelt.what()).find("did you mean 'patience'?"), std::string::npos) << misspelt.what();
}

TEST(EarlyStopping, TheResolvedConfigWritesItAndReadsItBack) {
  const Config c = load_config("configs/iris.yaml", {{"train.early_stopping={patience: 3}"}});
  const std::string text = to_yaml_text(c);
  EXPECT_NE(text.find("early_stopping: {metric: val_loss, mode: min, patience: 3, min_delta: 0.0}"), std::string::npos)
      << text;
  const Config again = parse_config(text, "config.yaml");
  ASSERT_TRUE(again.train.early_stopping.has_value());
  EXPECT_EQ(again.train.early_stopping->patience, 3);
}
