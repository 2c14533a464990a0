// What an Experiment checks when it builds the data, the model, the loss and the optimizer of a
// config: each mistake is one ConfigError at the key (or the override) that caused it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "expect_config_error.hpp"
#include "minidl/experiment/config.hpp"
#include "minidl/experiment/experiment.hpp"

using namespace minidl::experiment;
using namespace minidl::experiment::config_testing;

namespace {

// Three classes in a synthetic, separable problem: quick to build, no files.
const char* kClasses = R"(name: classes
data:
  train: {type: synthetic_classification, n: 60, features: 4, classes: 3}
model:
  - {type: linear, out: 8}
  - relu
  - {type: linear, out: 3}
loss: cross_entropy
optimizer: {type: sgd, lr: 0.1}
)";

const char* kRegression = R"(name: regression
data:
  train: {type: synthetic_linear, n: 50}
model:
  - {type: linear, out: 1}
loss: mse
optimizer: {type: sgd, lr: 0.1}
metrics: [loss, accuracy]
)";

// `text` with `from` replaced by `to`.
std::string edited(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

// The ConfigError that building an Experiment from `text` (with `overrides`) throws.
ConfigError build_error(const std::string& text, std::vector<std::string> overrides = {}) {
  return config_error_from([&] { Experiment run(parse_config(text, "exp.yaml", overrides)); });
}

const std::string k2to62 = "4611686018427387904";

}  // namespace

TEST(Checks, AccuracyForRegressionIsBlamedOnTheMetricsKey) {
  expect_error_at(build_error(kRegression), "exp.yaml", 8, 10, {"accuracy", "regression"});
  std::string without = kRegression;
  without.erase(without.find("metrics:"));
  expect_override_error(build_error(without, {"metrics=[loss, accuracy]"}), "metrics=[loss, accuracy]",
                        {"accuracy", "regression"});
}

TEST(Checks, ALossOnProbabilitiesNeedsTargetsInZeroToOneAndSaysSoAtTheLossKey) {
  // synthetic_linear's y = 2 x0 - 3.4 x1 + 4.2 + noise spreads far beyond [0, 1].
  const std::string bce = edited(edited(kRegression, "loss: mse", "loss: bce_with_logits"), "metrics: [loss, accuracy]\n", "");
  expect_error_at(build_error(bce), "exp.yaml", 6, 7, {"bce_with_logits", "[0, 1]", "training targets range from"});
}

TEST(Checks, TheLastLayerMustHaveOneOutputPerClass) {
  EXPECT_NO_THROW(Experiment run(parse_config(kClasses, "exp.yaml")));
  for (const std::string out : {"2", "4"}) {
    SCOPED_TRACE(out);
    expect_override_error(build_error(kClasses, {"model.2.out=" + out}), "model.2.out=" + out, {"3 classes"});
    expect_error_at(build_error(edited(kClasses, "out: 3", "out: " + out)), "exp.yaml", 7, 25, {"3 classes"});
  }
  // nll after log_softmax: the width comes from the linear layer before it.
  const std::string nll = edited(edited(kClasses, "loss: cross_entropy", "loss: nll"), "out: 3}", "out: 4}\n  - log_softmax");
  expect_error_at(build_error(nll), "exp.yaml", 7, 25, {"3 classes"});
}

TEST(Checks, ASourcesDeclaredClassCountIsTheOneTheOutputMustHave) {
  // 5 samples draw a few of the 50 classes; the model still needs 50 outputs, whatever the seed.
  const std::string few = edited(edited(kClasses, "n: 60, features: 4, classes: 3", "n: 5, features: 2, classes: 50"),
                                 "out: 3}", "out: 50}");
  for (const std::string seed : {"0", "1", "2"}) {
    SCOPED_TRACE(seed);
    const std::vector<std::string> seeded{"seed=" + seed};
    EXPECT_NO_THROW(Experiment run(parse_config(few, "exp.yaml", seeded)));
    expect_override_error(build_error(few, {"seed=" + seed, "model.2.out=47"}), "model.2.out=47", {"50 classes"});
  }
}

TEST(Checks, ABatchOfOneSampleForBatchNormIsAnErrorAtTheBatchSize) {
  // 60 samples in batches of 59 leave a last batch of 1: its batch statistics do not exist, and
  // training stopped there, mid-epoch.
  const std::vector<std::string> last_of_one{"model.1=batch_norm1d", "data.batch_size=59"};
  expect_override_error(build_error(kClasses, last_of_one), "data.batch_size=59",
                        {"data.batch_size", "last batch of 1", "layer 1 (batch_norm1d)", "data.drop_last: true"});
  const std::string in_file = edited(edited(kClasses, "  - relu", "  - batch_norm1d"), "model:", "  batch_size: 59\nmodel:");
  expect_error_at(build_error(in_file), "exp.yaml", 4, 15, {"layer 1 (batch_norm1d)"});
  expect_override_error(build_error(kClasses, {"model.1=batch_norm1d", "data.batch_size=1"}), "data.batch_size=1",
                        {"layer 1 (batch_norm1d)", "at least 2"});
  // What the error suggests works, and without batch-norm the short batch trains.
  const std::vector<std::string> dropped{"model.1=batch_norm1d", "data.batch_size=59", "data.drop_last=true"};
  EXPECT_NO_THROW(Experiment run(parse_config(kClasses, "exp.yaml", dropped)));
  const std::vector<std::string> plain{"data.batch_size=59"};
  EXPECT_NO_THROW(Experiment run(parse_config(kClasses, "exp.yaml", plain)));
}

TEST(Checks, AParamGroupLeftEmptyByAnEarlierOneNamesIt) {
  const std::string groups = edited(kClasses, "optimizer: {type: sgd, lr: 0.1}",
                                    "optimizer:\n"
                                    "  type: sgd\n"
                                    "  lr: 0.1\n"
                                    "  param_groups:\n"
                                    "    - {params: '*', lr: 0.01}\n"
                                    "    - {params: '*.bias', weight_decay: 0}");
  expect_error_at(build_error(groups), "exp.yaml", 14, 7,
                  {"'*.bias'", "param_groups.0", "exp.yaml:13:7", "0.bias", "2.bias"});
}

TEST(Checks, SizesTooLargeToAllocateAreRejectedAtTheirKey) {
  expect_error_at(build_error(edited(kClasses, "out: 8", "out: " + k2to62)), "exp.yaml", 5, 25,
                  {"model.0.out", "would need"});
  expect_error_at(build_error(edited(kClasses, "out: 8", "out: 1099511627776")), "exp.yaml", 5, 25,
                  {"model.0.out", "would need", "TiB"});
  expect_error_at(build_error(edited(kClasses, "n: 60", "n: " + k2to62)), "exp.yaml", 3, 46,
                  {"data.train.n", "would need"});
  expect_error_at(build_error(edited(kClasses, "features: 4", "features: " + k2to62)), "exp.yaml", 3, 60,
                  {"data.train.features", "would need"});
  expect_error_at(build_error(edited(kClasses, "classes: 3", "classes: " + k2to62)), "exp.yaml", 3, 72,
                  {"data.train.classes", "would need"});
  expect_error_at(build_error(edited(kRegression, "n: 50", "n: " + k2to62)), "exp.yaml", 3, 38,
                  {"data.train.n", "would need"});
  expect_override_error(build_error(kClasses, {"model.0.out=" + k2to62}), "model.0.out=" + k2to62, {"would need"});
}

TEST(Checks, InitialValuesBeyondFloatAreRejectedAtTheirKey) {
  const auto with_init = [](const std::string& init) {
    return edited(kClasses, "{type: linear, out: 8}", "{type: linear, out: 8, init: {weight: " + init + "}}");
  };
  expect_error_at(build_error(with_init("{type: xavier_uniform, gain: 1e300}")), "exp.yaml", 5, 72,
                  {"model.0.init.weight.gain", "float32"});
  expect_error_at(build_error(with_init("{type: xavier_normal, gain: 1e39}")), "exp.yaml", 5, 71, {"gain"});
  expect_error_at(build_error(with_init("{type: normal, std: 1e38}")), "exp.yaml", 5, 63, {"std"});
  expect_error_at(build_error(with_init("{type: constant, val: -1e39}")), "exp.yaml", 5, 65, {"val"});
  expect_error_at(build_error(with_init("{type: uniform, a: -3e38, b: 3e38}")), "exp.yaml", 5, 62, {"a"});
  EXPECT_NO_THROW(Experiment run(parse_config(with_init("{type: xavier_uniform, gain: 1e30}"), "exp.yaml")));
}
