// Shipped configs trained end to end: each reaches its documented quality; a run resumed from
// its checkpoint ends bit-identical to an uninterrupted one; model errors are located.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "minidl/experiment/config.hpp"
#include "minidl/experiment/layer_registry.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/experiment/trainer.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/nn/linear.hpp"

using namespace minidl;
using namespace minidl::experiment;
namespace fs = std::filesystem;

namespace {

// A fresh output folder under the build's temporary directory.
std::string scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("minidl_experiment_test_" + std::to_string(::getpid()) + "_" + name);
  fs::remove_all(dir);
  return dir.string();
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TrainResult train_config(const std::string& file, std::vector<std::string> overrides) {
  Experiment run(load_config(file, overrides));
  std::ostringstream log;
  return train(run, TrainOptions{}, log);
}

// metrics.csv without the `seconds` column, which is a timing.
std::string metrics_without_time(const fs::path& csv) {
  std::istringstream in(read_file(csv));
  std::string out;
  for (std::string line; std::getline(in, line);) out += line.substr(0, line.rfind(',')) + "\n";
  return out;
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
  EXPECT_EQ(read_file(fs::path(out) / "metrics.csv").rfind("epoch,train_loss,val_loss,val_accuracy,lr,seconds\n", 0), 0u);
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
    EXPECT_EQ(std::string(e.what()),
              "override 'model.2.in=100': linear expects in: 100 features, but layer 1's output (shape [128]) "
              "has 128 (omit 'in' to take it from the input)");
  }
}

TEST(ModelErrors, FeatureCountMismatchPointsIntoTheFile) {
  try {
    Experiment run(load_config("configs/digits_mlp.yaml", {{"data.train.path=examples/datasets/iris.csv"}}));
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("configs/digits_mlp.yaml:12:24: linear expects in: 64 features, but "
                                          "the data's samples (shape [4]) has 4", 0), 0u) << e.what();
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

TEST(ModelErrors, MissingDataFileNamesThePathOption) {
  try {
    Experiment run(load_config("configs/digits_mlp.yaml", {{"data.train.path=nowhere.csv"}}));
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("override 'data.train.path=nowhere.csv': data file 'nowhere.csv' does not exist", 0), 0u)
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
// A layer minidl does not ship, as user code would write it.
class Scale : public nn::Module {
 public:
  explicit Scale(float factor) : factor_(factor) {}
  Variable forward(const Variable& x) override { return x * factor_; }
  std::string name() const override { return "Scale"; }

 private:
  float factor_;
};
}  // namespace

TEST(UserLayers, ARegisteredLayerIsConfigurableByName) {
  layers().add("scale", {"multiplies its input by factor", {{"factor", OptionKind::Number, 1.0, "the factor",
                                                             Range::greater_than(0)}}},
               [](const Options& o, const LayerContext&) {
                 return std::make_shared<Scale>(static_cast<float>(o.number("factor")));
               });
  Experiment run(load_config("configs/digits_mlp.yaml", {{"model.1={type: scale, factor: 2}", "train.epochs=1"}}));
  EXPECT_EQ(run.model()[1].name(), "Scale");
  try {
    load_config("configs/digits_mlp.yaml", {{"model.1={type: scale, factor: -2}"}});
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "override 'model.1={type: scale, factor: -2}': model.1.factor: expected a number > 0, got -2");
  }
}
