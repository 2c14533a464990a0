// Shipped configs trained end to end: each reaches its documented quality; a run resumed from
// its checkpoint ends bit-identical to an uninterrupted one; a NaN/inf loss, validation loss or
// weight stops the run without weights; model and batching errors are located.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "expect_config_error.hpp"
#include "minidl/experiment/config.hpp"
#include "minidl/experiment/layer_registry.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/experiment/trainer.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/nn/linear.hpp"
#include "run_helpers.hpp"

using namespace minidl;
using namespace minidl::experiment;
using namespace minidl::experiment::config_testing;
using minidl::test::metrics_without_time;
using minidl::test::read_file;
using minidl::test::scratch;
namespace fs = std::filesystem;

namespace {

TrainResult train_config(const std::string& file, std::vector<std::string> overrides) {
  Experiment run(load_config(file, overrides));
  std::ostringstream log;
  return train(run, TrainOptions{}, log);
}

}  // namespace

TEST(ShippedConfigs, LinregReachesTheNoiseFloorAndTheTrueParameters) {
  const std::string out = scratch("linreg");
  Experiment run(load_config("configs/linreg.yaml", {{"output=" + out}}));
  std::ostringstream log;
  const TrainResult r = train(run, TrainOptions{}, log);
  EXPECT_EQ(r.epochs, 3);
  EXPECT_LT(r.last.train_loss, 2e-4);  // the noise variance is 1e-4
  const auto& linear = run.model().at<nn::Linear>(0);
  EXPECT_LT(std::abs(linear.weight().data().at({0, 0}) - 2.0f), 2e-3);
  EXPECT_LT(std::abs(linear.weight().data().at({0, 1}) + 3.4f), 2e-3);
  EXPECT_LT(std::abs(linear.bias().data().at({0}) - 4.2f), 2e-3);
  for (const char* file : {"config.yaml", "metrics.csv", "model.safetensors", "checkpoint.safetensors", "summary.json"})
    EXPECT_TRUE(fs::exists(fs::path(out) / file)) << file;
  EXPECT_EQ(read_file(fs::path(out) / "metrics.csv").rfind("epoch,train_loss,val_loss,val_accuracy,val_rmse,lr,seconds\n", 0),
            0u);
}

TEST(Metrics, RegressionRowsCarryTheValidationRmseAndOlderRowsStillRead) {
  const EpochMetrics m = parse_csv_row("2,0.5,0.4,,1.25,0.03,0.1");
  ASSERT_TRUE(m.val_rmse.has_value());
  EXPECT_EQ(*m.val_rmse, 1.25);
  EXPECT_EQ(to_csv_row(m), "2,0.5,0.4,,1.25,0.03,0.1");
  // A row of a run written before val_rmse existed (6 fields), as a resume reads it.
  const EpochMetrics old = parse_csv_row("2,0.5,0.4,,0.03,0.1");
  EXPECT_FALSE(old.val_rmse.has_value());
  EXPECT_EQ(old.lr, 0.03);
  EXPECT_EQ(old.seconds, 0.1);
  EXPECT_THROW(parse_csv_row("2,0.5,0.4,0.03,0.1"), ValueError);
}

TEST(ShippedConfigs, DigitsMlpReachesNinetyFivePercent) {
  const TrainResult r = train_config("configs/digits_mlp.yaml", {"output=" + scratch("digits_mlp")});
  ASSERT_TRUE(r.last.val_accuracy);
  EXPECT_GE(*r.last.val_accuracy, 0.95);
}

TEST(ShippedConfigs, DigitsSoftmaxReachesNinetyPercent) {
  const TrainResult r = train_config("configs/digits_softmax.yaml", {"output=" + scratch("digits_softmax")});
  ASSERT_TRUE(r.last.val_accuracy);
  EXPECT_GE(*r.last.val_accuracy, 0.90);
}

TEST(ShippedConfigs, IrisReachesNinetyPercent) {
  const TrainResult r = train_config("configs/iris.yaml", {"output=" + scratch("iris")});
  ASSERT_TRUE(r.last.val_accuracy);
  EXPECT_GE(*r.last.val_accuracy, 0.90);
}

TEST(ShippedConfigs, DiabetesExplainsMostOfTheVariance) {
  const TrainResult r = train_config("configs/diabetes.yaml", {"output=" + scratch("diabetes")});
  ASSERT_TRUE(r.last.val_loss);
  EXPECT_FALSE(r.last.val_accuracy);  // regression: no accuracy
  // The targets' variance is about 5900; ordinary least squares reaches about 3000.
  EXPECT_LT(*r.last.val_loss, 3600.0);
}

TEST(Resume, ContinuesBitIdenticallyToAnUninterruptedRun) {
  const std::string whole = scratch("resume_whole"), parts = scratch("resume_parts");
  // Dropout and a scheduler make every piece of state matter.
  const std::vector<std::string> common = {"train.epochs=4", "model.1={type: dropout, p: 0.2}",
                                           "model.2={type: relu}", "model.3={type: linear, out: 10}",
                                           "scheduler.type=step", "scheduler.step_size=2"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), common.begin(), common.end());
    return extra;
  };
  std::ostringstream log;
  {
    Experiment run(load_config("configs/digits_mlp.yaml", with({"output=" + whole})));
    train(run, {}, log);
  }
  {
    Experiment run(load_config("configs/digits_mlp.yaml", with({"output=" + parts, "train.epochs=2"})));
    train(run, {}, log);
  }
  {
    Experiment run(load_config("configs/digits_mlp.yaml", with({"output=" + parts})));
    train(run, {.resume = true}, log);
  }
  EXPECT_EQ(read_file(fs::path(whole) / "model.safetensors"), read_file(fs::path(parts) / "model.safetensors"));
  EXPECT_EQ(metrics_without_time(fs::path(whole) / "metrics.csv"),
            metrics_without_time(fs::path(parts) / "metrics.csv"));
}

TEST(Training, DivergingLossStopsNamingEpochAndBatch) {
  const std::string out = scratch("diverge");
  Experiment run(load_config("configs/linreg.yaml", {{"output=" + out, "optimizer.lr=1e30"}}));
  std::ostringstream log;
  try {
    train(run, {}, log);
    FAIL() << "no DivergenceError";
  } catch (const DivergenceError& e) {
    EXPECT_NE(std::string(e.what()).find("at epoch 1, batch "), std::string::npos) << e.what();
  }
}

TEST(ModelErrors, LayerSizeMismatchNamesTheOption) {
  try {
    Experiment run(load_config("configs/digits_mlp.yaml", {{"model.2.in=100"}}));
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().origin, "override 'model.2.in=100'");
    EXPECT_EQ(e.problem(), "model.2.in: linear: expects in: 100 features, but layer 1's output (shape [128]) "
                           "has 128 (omit 'in' to take it from the input)");
  }
}

TEST(ModelErrors, FeatureCountMismatchPointsIntoTheFile) {
  try {
    Experiment run(load_config("configs/digits_mlp.yaml", {{"data.train.path=examples/datasets/iris.csv"}}));
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().to_string(), "configs/digits_mlp.yaml:12:24");
    EXPECT_NE(e.problem().find("model.0.in: linear: expects in: 64 features, but the data's samples (shape [4]) has 4"),
              std::string::npos) << e.what();
  }
}

TEST(ModelErrors, LossThatDoesNotFitTheTargets) {
  try {
    Experiment run(load_config("configs/diabetes.yaml", {{"loss=cross_entropy"}}));
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("override 'loss=cross_entropy': cross_entropy needs class-index targets", 0), 0u)
        << e.what();
  }
}

TEST(ModelErrors, BinaryCrossEntropyOnTargetsOutsideZeroToOneIsAnErrorAtTheLossNamingTheirRange) {
  // Diabetes progression runs from 25 to 346: bce_with_logits computed a negative "loss" and
  // trained. The op stays PyTorch's (no check); the config is refused before training.
  const ConfigError e =
      config_error_from([] { Experiment run(load_config("configs/diabetes.yaml", {{"loss=bce_with_logits"}})); });
  expect_override_error(e, "loss=bce_with_logits", {"bce_with_logits", "[0, 1]", "from 25 to 346"});

  const fs::path dir = minidl::test::scratch("bce_targets");
  fs::create_directories(dir);
  minidl::test::write_file(dir / "binary.csv", "a,b,target\n0.5,1,0\n1.5,2,1\n2.5,3,0.25\n");
  EXPECT_NO_THROW(Experiment run(load_config(
      "configs/diabetes.yaml",
      {{"data.train.path=" + (dir / "binary.csv").string(), "data.validation=", "model.0.in=2", "loss=bce_with_logits"}})))
      << "targets in [0, 1] are probabilities";
  fs::remove_all(dir);
}

TEST(ModelErrors, ClassLabelsReadAsARegressionSayHowToReadThemAsClasses) {
  // Labels -1 and 1 (an SVM's habit) are integers, but not class indices: the column is read as
  // a regression, and cross_entropy's error says which option reads it as classes instead.
  const std::filesystem::path dir = minidl::test::scratch("signed_labels");
  std::filesystem::create_directories(dir);
  minidl::test::write_file(dir / "signed.csv", "a,b,c,d,target\n1,2,3,4,-1\n3,4,5,6,1\n5,6,7,8,-1\n7,8,9,0,1\n");
  try {
    Experiment run(load_config("configs/iris.yaml", {{"data.train.path=" + (dir / "signed.csv").string()}}));
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(e.problem().find("cross_entropy needs class-index targets"), std::string::npos) << e.what();
    EXPECT_NE(e.problem().find("task: classification"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(ModelErrors, WholeNumberValuesReadAsClassesSayHowToReadThemAsARegression) {
  // Prices in whole dollars, counts: every target a non-negative integer, so the column is read as
  // classes, and mse's error says which option reads it as values instead (it did not).
  const std::filesystem::path dir = minidl::test::scratch("whole_number_values");
  std::filesystem::create_directories(dir);
  std::string csv = "f0,f1,f2,f3,f4,f5,f6,f7,f8,f9,price\n";  // diabetes.yaml's model takes 10 features
  for (int row = 0; row < 4; ++row) csv += "3,70,1,0,2,5,1,9,4,2," + std::to_string(199000 + 37000 * row) + "\n";
  minidl::test::write_file(dir / "prices.csv", csv);
  const std::string data = "data.train={type: csv, path: " + (dir / "prices.csv").string() + ", target: price";
  try {
    Experiment run(load_config("configs/diabetes.yaml", {{data + "}"}}));
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(e.problem().find("mse needs regression targets"), std::string::npos) << e.what();
    EXPECT_NE(e.problem().find("task: regression"), std::string::npos) << e.what();
  }
  Experiment run(load_config("configs/diabetes.yaml", {{data + ", task: regression}"}}));  // what it says works
  std::filesystem::remove_all(dir);
}

TEST(ModelErrors, AValidationLabelOutsideTheTrainingClassesIsAnErrorAtTheValidationDataNamingItsRow) {
  // Iris has classes 0-2; a validation row labelled 7 has no output to be scored against. It
  // failed in cross_entropy after the first epoch had trained, naming neither file nor row.
  const fs::path dir = minidl::test::scratch("validation_label");
  fs::create_directories(dir);
  const std::string bad = (dir / "bad.csv").string();
  minidl::test::write_file(bad, "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm),target\n"
                                "5.1,3.5,1.4,0.2,0\n6.2,2.9,4.3,1.3,7\n");
  const std::string validation = "data.validation={type: csv, path: " + bad + "}";
  const ConfigError e = config_error_from([&] { Experiment run(load_config("configs/iris.yaml", {{validation}})); });
  expect_override_error(e, validation, {"data.validation", bad + ":3:", "label 7", "3 classes of the training data"});
  fs::remove_all(dir);
}

TEST(ModelErrors, MissingDataFileNamesThePathOption) {
  try {
    Experiment run(load_config("configs/digits_mlp.yaml", {{"data.train.path=nowhere.csv"}}));
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().origin, "override 'data.train.path=nowhere.csv'");
    EXPECT_NE(e.problem().find("data.train.path: csv: data file 'nowhere.csv' does not exist"), std::string::npos)
        << e.what();
  }
}

TEST(ParamGroups, PatternsPickParametersByName) {
  Experiment run(load_config("configs/digits_mlp.yaml",
                             {{"optimizer={type: sgd, lr: 0.1, param_groups: [{params: '*.bias', weight_decay: 0.5}, "
                               "{params: ['2.weight'], lr: 0.01}]}"}}));
  optim::Optimizer& opt = run.optimizer();
  ASSERT_EQ(opt.num_param_groups(), 3u);  // the unmatched parameters first, then each group
  EXPECT_EQ(opt.params(0).size(), 1u);    // 0.weight
  EXPECT_EQ(opt.params(1).size(), 2u);    // 0.bias, 2.bias
  EXPECT_DOUBLE_EQ(opt.lr(0), 0.1);
  EXPECT_DOUBLE_EQ(opt.lr(2), 0.01);
  EXPECT_EQ(opt.option(1, "weight_decay"), optim::OptionValue(0.5));
}

TEST(ParamGroups, APatternMatchingNothingIsAnError) {
  try {
    Experiment run(load_config("configs/digits_mlp.yaml",
                               {{"optimizer.param_groups=[{params: 'head.*', lr: 0.01}]"}}));
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "override 'optimizer.param_groups=[{params: 'head.*', lr: 0.01}]': param_groups: "
                                     "no parameter matches the pattern 'head.*'; parameters: 0.weight, 0.bias, 2.weight, 2.bias");
  }
}

TEST(LayerInit, InitialisersApplyPerParameter) {
  Experiment run(load_config("configs/digits_mlp.yaml", {{"model.0.init={weight: {type: constant, val: 0.5}, bias: zeros}"}}));
  const auto& linear = run.model().at<nn::Linear>(0);
  EXPECT_EQ(linear.weight().data().at({3, 7}), 0.5f);
  EXPECT_EQ(linear.bias().data().at({5}), 0.0f);
}

TEST(LayerInit, UnknownParameterListsTheLayersOwn) {
  try {
    Experiment run(load_config("configs/digits_mlp.yaml", {{"model.0.init={wieght: zeros}"}}));
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "override 'model.0.init={wieght: zeros}': linear has no parameter 'wieght' "
                                     "(did you mean 'weight'?); its parameters: weight, bias");
  }
}

namespace {
// A layer minidl does not ship, as the README's "Adding components from C++" writes it.
struct ScaleOptions {
  double factor = 1.0;
  static constexpr auto fields() {
    return std::tuple{minidl::option("factor", &ScaleOptions::factor, minidl::check::positive, "the factor")};
  }
};

class Scale : public nn::Module {
 public:
  using Options = ScaleOptions;
  static constexpr std::string_view doc = "multiplies its input by factor";
  explicit Scale(const ScaleOptions& options) : factor_(static_cast<float>(options.factor)) {}
  Variable forward(const Variable& x) override { return x * factor_; }

 private:
  float factor_;
};
}  // namespace

TEST(UserLayers, ARegisteredLayerIsConfigurableByName) {
  register_layer<Scale>("scale");
  Experiment run(load_config("configs/digits_mlp.yaml", {{"model.1={type: scale, factor: 2}", "train.epochs=1"}}));
  EXPECT_EQ(run.model()[1].name(), "Scale");
  try {
    load_config("configs/digits_mlp.yaml", {{"model.1={type: scale, factor: -2}"}});
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().origin, "override 'model.1={type: scale, factor: -2}'");
    EXPECT_NE(e.problem().find("model.1.factor"), std::string::npos) << e.what();
    EXPECT_NE(e.problem().find("must be > 0, got -2"), std::string::npos) << e.what();
  }
  // Its declaration documents it like a built-in, and a name is registered once.
  EXPECT_EQ(layers().find("scale").doc, "multiplies its input by factor");
  EXPECT_THROW(register_layer<Scale>("scale"), ValueError);
}

// ---- Runs that cannot be trusted stop: NaN/inf anywhere ends the run without weights ----

namespace {

// The DivergenceError message of training `run` into its output ("" when none is thrown).
std::string divergence_of(Experiment& run) {
  std::ostringstream log;
  try {
    train(run, {}, log);
  } catch (const DivergenceError& e) {
    return e.what();
  }
  return "";
}

// Passes its input on while training and multiplies it by infinity in eval mode, so only the
// validation loss becomes infinite.
class InfiniteInEval : public nn::Module {
 public:
  Variable forward(const Variable& x) override { return is_training() ? x : x * std::numeric_limits<float>::infinity(); }
};

}  // namespace

TEST(Divergence, AHugeLearningRateStopsTheRunAndWritesNoWeights) {
  const std::string out = scratch("diverge_huge_lr");
  Experiment run(load_config("configs/linreg.yaml", {{"output=" + out, "optimizer.lr=1e38"}}));
  const std::string message = divergence_of(run);
  EXPECT_NE(message.find("at epoch 1, batch "), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(fs::path(out) / "model.safetensors"));
  // No checkpoint was written, so the message must not point at one.
  EXPECT_FALSE(fs::exists(fs::path(out) / "checkpoint.safetensors"));
  EXPECT_EQ(message.find("checkpoint.safetensors"), std::string::npos) << message;
}

TEST(Divergence, AnInfiniteLastStepIsCaughtFromTheParameters) {
  // One batch per epoch and one epoch: no later loss ever sees the step's result.
  const std::string out = scratch("diverge_last_step");
  Experiment run(load_config("configs/linreg.yaml",
                             {{"output=" + out, "optimizer.lr=1e38", "data.batch_size=1000", "train.epochs=1"}}));
  const std::string message = divergence_of(run);
  EXPECT_NE(message.find("parameter '0.weight' became"), std::string::npos) << message;
  EXPECT_NE(message.find("at epoch 1, batch 1"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(fs::path(out) / "model.safetensors"));
  EXPECT_FALSE(fs::exists(fs::path(out) / "checkpoint.safetensors"));
}

TEST(Divergence, AnInfiniteLearningRateStops) {
  // Set on the optimizer, as a config cannot ask for it once lr must be finite; one batch, so
  // only the parameters show it.
  const std::string out = scratch("diverge_inf_lr");
  Experiment run(load_config("configs/linreg.yaml", {{"output=" + out, "data.batch_size=1000", "train.epochs=1"}}));
  run.optimizer().set_lr(std::numeric_limits<double>::infinity());
  const std::string message = divergence_of(run);
  EXPECT_NE(message.find("parameter '0.weight' became"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(fs::path(out) / "model.safetensors"));
}

TEST(Divergence, AnInfiniteValidationLossStops) {
  register_layer<InfiniteInEval>("infinite_in_eval");
  const std::string out = scratch("diverge_validation");
  Experiment run(load_config("configs/linreg.yaml",
                             {{"output=" + out, "data.validation.split=0.2", "model.1=infinite_in_eval"}}));
  const std::string message = divergence_of(run);
  EXPECT_EQ(message.rfind("validation loss became inf at epoch 1;", 0), 0u) << message;
  EXPECT_FALSE(fs::exists(fs::path(out) / "model.safetensors"));
  EXPECT_FALSE(fs::exists(fs::path(out) / "checkpoint.safetensors"));
}

TEST(Divergence, ALaterEpochNamesTheCheckpointThatExists) {
  // The learning rate grows 1e30-fold each epoch: epoch 1 trains, epoch 2 diverges.
  const std::string out = scratch("diverge_later");
  Experiment run(load_config("configs/linreg.yaml",
                             {{"output=" + out, "scheduler={type: exponential, gamma: 1e30}"}}));
  const std::string message = divergence_of(run);
  EXPECT_NE(message.find("at epoch 2"), std::string::npos) << message;
  const std::string checkpoint = (fs::path(out) / "checkpoint.safetensors").string();
  EXPECT_NE(message.find("the last good checkpoint (epoch 1) is kept in '" + checkpoint + "'"), std::string::npos)
      << message;
  EXPECT_TRUE(fs::exists(checkpoint));
  EXPECT_FALSE(fs::exists(fs::path(out) / "model.safetensors"));
}

// ---- Batching that trains nothing is a config error ----

TEST(DropLast, ABatchLargerThanTheDataIsAConfigErrorAtDropLast) {
  try {
    Experiment run(load_config("configs/linreg.yaml", {{"data.batch_size=2000", "data.drop_last=true"}}));
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().origin, "override 'data.drop_last=true'");
    EXPECT_NE(e.problem().find("batch_size 2000 is more than the 1000 training samples"), std::string::npos)
        << e.what();
  }
  // Without drop_last the one short batch trains.
  EXPECT_NO_THROW(Experiment(load_config("configs/linreg.yaml", {{"data.batch_size=2000"}})));
}

TEST(ValidationSplit, ASplitThatLeavesNothingToTrainOnIsAConfigErrorAtTheSplit) {
  // linreg's 1000 samples: ceil(0.9999 * 1000) = 1000 go to validation.
  try {
    Experiment run(load_config("configs/linreg.yaml", {{"data.validation={split: 0.9999}"}}));
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.where().origin, "override 'data.validation={split: 0.9999}'");
    // The fraction as written (it was "0.999900") and the largest that still trains.
    EXPECT_NE(e.problem().find("data.validation.split: 0.9999 of the 1000 samples leaves none to train on"),
              std::string::npos)
        << e.what();
    EXPECT_NE(e.problem().find("at most 0.999 leaves one"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(Experiment(load_config("configs/linreg.yaml", {{"data.validation={split: 0.999}"}})));
}

// ---- Sizes past the data ----

TEST(Loader, BatchesAreSizedByTheDataNotAHugeBatchSize) {
  // 2^62 + 2^17 rows of 2 floats would wrap to a 1 MiB batch in int64 arithmetic.
  Experiment run(load_config("configs/linreg.yaml", {{"data.batch_size=4611686018427518976"}}));
  EXPECT_EQ(make_train_loader(run).options().prefetch, 0);  // the 1000 rows are 8000 bytes
}

TEST(ModelWarnings, AModelEndingInProbabilitiesBeforeALossThatMakesThemItselfIsWarnedOfAtItsLastLayer) {
  // PyTorch's classic slip: softmax before CrossEntropyLoss trains, but on the wrong quantity.
  const std::string softmax_last = "model=[{type: linear, out: 3}, softmax]";
  const Experiment with_cross_entropy(load_config("configs/iris.yaml", {{softmax_last}}));
  ASSERT_EQ(with_cross_entropy.warnings().size(), 1u);
  const ConfigWarning& warning = with_cross_entropy.warnings()[0];
  EXPECT_EQ(warning.where.origin, "override '" + softmax_last + "'");
  EXPECT_NE(warning.problem.find("cross_entropy takes logits"), std::string::npos) << warning.to_string();
  const Experiment with_nll(load_config("configs/iris.yaml", {{softmax_last, "loss=nll"}}));
  ASSERT_EQ(with_nll.warnings().size(), 1u);
  EXPECT_NE(with_nll.warnings()[0].problem.find("log_softmax instead"), std::string::npos);
  // What fits, and a loss that takes values, says nothing.
  EXPECT_TRUE(Experiment(load_config("configs/iris.yaml", {})).warnings().empty());
  EXPECT_TRUE(Experiment(load_config("configs/iris.yaml", {{"model=[{type: linear, out: 3}, log_softmax]", "loss=nll"}}))
                  .warnings()
                  .empty());
  EXPECT_TRUE(Experiment(load_config("configs/diabetes.yaml", {{"model=[{type: linear, out: 1}, sigmoid]"}}))
                  .warnings()
                  .empty());
}

TEST(ModelWarnings, AWarningInAFileNamesTheLastLayersLine) {
  const std::filesystem::path dir = minidl::test::scratch("softmax_last");
  std::filesystem::create_directories(dir);
  const std::filesystem::path config = dir / "softmax_last.yaml";
  minidl::test::write_file(config,
                           "data: {train: {type: synthetic_classification, n: 40, features: 4, classes: 3}}\n"
                           "model:\n  - {type: linear, out: 3}\n  - {type: sigmoid}\n"
                           "loss: cross_entropy\noptimizer: {type: sgd, lr: 0.1}\n");
  const Experiment run(load_config(config.string(), {}));
  ASSERT_EQ(run.warnings().size(), 1u);
  EXPECT_EQ(run.warnings()[0].where.origin, config.string());
  EXPECT_EQ(run.warnings()[0].where.line, 4);
  std::filesystem::remove_all(dir);
}
