// Resuming a run: only with the config its checkpoint was written with (but train.epochs,
// threads and output), from checkpoint and metrics files read strictly, to the same rows as an
// uninterrupted run; a finished run is left as it is.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <memory>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "minidl/io/safetensors.hpp"
#include "minidl_test/errors.hpp"
#include "run_helpers.hpp"
#include "train_helpers.hpp"

using namespace minidl;
using namespace minidl::experiment;
using namespace minidl::test;
namespace fs = std::filesystem;

namespace {

TrainResult resume_linreg(const std::string& out, std::vector<std::string> overrides = {},
                          std::ostringstream* log = nullptr) {
  return train_linreg(out, std::move(overrides), {.resume = true}, log);
}

// Rewrites one metadata entry of a checkpoint, as a damaged or hostile file would have it.
void set_metadata(const fs::path& checkpoint, const std::string& key, const std::string& value) {
  io::StateDict file = io::load_safetensors(checkpoint);
  file.metadata[key] = value;
  io::save_safetensors(checkpoint, file);
}

// Rewrites one tensor of a checkpoint.
void set_tensor(const fs::path& checkpoint, const std::string& name, const Tensor& value) {
  const io::StateDict before = io::load_safetensors(checkpoint);
  io::StateDict file;
  file.metadata = before.metadata;
  for (const auto& [n, t] : before) file.insert(n, n == name ? value : t);
  io::save_safetensors(checkpoint, file);
}

// Removes metadata entries, as a checkpoint of an older minidl lacks them.
void remove_metadata(const fs::path& checkpoint, const std::vector<std::string>& keys) {
  io::StateDict file = io::load_safetensors(checkpoint);
  for (const std::string& key : keys) file.metadata.erase(key);
  io::save_safetensors(checkpoint, file);
}

// A small linreg with every kind of checkpointed state: a scheduler and a dropout generator.
const std::vector<std::string> kStateful = {"data.train.n=100", "scheduler={type: step, step_size: 1}",
                                            "model.1={type: dropout, p: 0.1}"};

std::vector<std::string> stateful(std::vector<std::string> extra) {
  extra.insert(extra.begin(), kStateful.begin(), kStateful.end());
  return extra;
}

}  // namespace

// ---- The config must be the checkpoint's ----

TEST(ResumeConfig, AChangedConfigIsRefusedNamingEveryKey) {
  const std::string out = scratch("resume_changed");
  train_linreg(out, {"train.epochs=1"});
  const std::string config_before = read_file(fs::path(out) / "config.yaml");
  try {
    resume_linreg(out, {"optimizer.lr=0.5", "data.batch_size=64", "seed=99"});
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    const std::string problem = e.problem();
    EXPECT_NE(problem.find("optimizer.lr: 0.03 -> 0.5"), std::string::npos) << problem;
    EXPECT_NE(problem.find("data.batch_size: 10 -> 64"), std::string::npos) << problem;
    EXPECT_NE(problem.find("seed: 42 -> 99"), std::string::npos) << problem;
    EXPECT_EQ(problem.find("train.epochs: "), std::string::npos) << "epochs may grow: " << problem;
  }
  EXPECT_EQ(read_file(fs::path(out) / "config.yaml"), config_before) << "a refused resume changes nothing";
}

TEST(ResumeConfig, EpochsMayGrowAndThreadsChange) {
  const std::string out = scratch("resume_allowed");
  train_linreg(out, {"train.epochs=1", "threads=1"});
  const TrainResult r = resume_linreg(out, {"threads=2"});
  EXPECT_EQ(r.epochs, 3);
}

TEST(ResumeConfig, FewerEpochsThanDoneAreRefused) {
  const std::string out = scratch("resume_fewer");
  train_linreg(out, {});
  try {
    resume_linreg(out, {"train.epochs=2"});
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(e.problem().find("train.epochs is 2, but the checkpoint"), std::string::npos) << e.what();
    EXPECT_NE(e.problem().find("already has 3 epochs"), std::string::npos) << e.what();
  }
}

// ---- A finished run ----

TEST(ResumeFinished, SaysThereIsNothingLeftAndChangesNothing) {
  const std::string out = scratch("resume_finished");
  train_linreg(out, {});
  const fs::path summary = fs::path(out) / "summary.json";
  const std::string summary_before = read_file(summary);
  const auto written = fs::last_write_time(summary);
  std::ostringstream log;
  const TrainResult r = resume_linreg(out, {}, &log);
  EXPECT_FALSE(r.trained);
  EXPECT_EQ(r.epochs, 3);
  EXPECT_NE(log.str().find("nothing left to do"), std::string::npos) << log.str();
  EXPECT_EQ(read_file(summary), summary_before);
  EXPECT_EQ(fs::last_write_time(summary), written);
}

TEST(ResumeFinished, ARunKilledBeforeItsSummaryIsCompleted) {
  const std::string out = scratch("resume_no_summary");
  train_linreg(out, {});
  fs::remove(fs::path(out) / "summary.json");
  const TrainResult r = resume_linreg(out);
  EXPECT_TRUE(r.trained);
  EXPECT_GT(r.train_seconds, 0.0) << "the run's epochs, from metrics.csv";
  EXPECT_TRUE(fs::exists(fs::path(out) / "summary.json"));
}

// ---- Damaged or hostile checkpoints name the file and the key ----

struct BadMetadata {
  std::string key, value;
};

class HostileCheckpoint : public testing::TestWithParam<BadMetadata> {};

TEST_P(HostileCheckpoint, IsAnIOErrorNamingTheFileAndTheKey) {
  const std::string out = scratch("hostile_checkpoint");
  train_linreg(out, stateful({"train.epochs=2"}));
  const fs::path checkpoint = fs::path(out) / "checkpoint.safetensors";
  set_metadata(checkpoint, GetParam().key, GetParam().value);
  try {
    resume_linreg(out, stateful({"train.epochs=3"}));
    FAIL() << "no IOError";
  } catch (const IOError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(checkpoint.string() + ": ", 0), 0u) << message;
    EXPECT_NE(message.find("'" + GetParam().key + "'"), std::string::npos) << message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Metadata, HostileCheckpoint,
    testing::Values(BadMetadata{"minidl.epoch", "abc"}, BadMetadata{"minidl.epoch", "2.9"},
                    BadMetadata{"minidl.epoch", ""}, BadMetadata{"minidl.epoch", "-1"},
                    BadMetadata{"minidl.epoch", "99999999999999999999"},
                    BadMetadata{"scheduler.last_epoch", "9223372036854775807"},
                    BadMetadata{"minidl.loader.epoch", "1"}, BadMetadata{"minidl.loader.epoch", "3"},
                    BadMetadata{"minidl.loader.epoch", "abc"}, BadMetadata{"minidl.loader.position", "1"},
                    BadMetadata{"minidl.loader.position", "-1"},
                    BadMetadata{"minidl.config", "{unclosed: ["}, BadMetadata{"minidl.config", "just text"}),
    [](const auto& info) { return "case" + std::to_string(info.index); });

TEST(HostileCheckpointExtraState, ADamagedGeneratorIsAnIOErrorNamingTheFileAndTheModule) {
  const std::string out = scratch("hostile_generator");
  train_linreg(out, stateful({"train.epochs=1"}));
  const fs::path checkpoint = fs::path(out) / "checkpoint.safetensors";
  set_tensor(checkpoint, "extra_state.1.generator", Tensor::from_int64({1, 2, 3}));
  try {
    resume_linreg(out, stateful({"train.epochs=2"}));
    FAIL() << "no IOError";
  } catch (const IOError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(checkpoint.string() + ": ", 0), 0u) << message;
    EXPECT_NE(message.find("\"1\""), std::string::npos) << message;
    EXPECT_NE(message.find("generator"), std::string::npos) << message;
  }
}

TEST(HostileCheckpointExtraState, AMissingGeneratorIsAnIOErrorNamingIt) {
  const std::string out = scratch("missing_generator");
  train_linreg(out, stateful({"train.epochs=1"}));
  const fs::path checkpoint = fs::path(out) / "checkpoint.safetensors";
  const io::StateDict before = io::load_safetensors(checkpoint);
  io::StateDict without;
  without.metadata = before.metadata;
  for (const auto& [n, t] : before)
    if (n != "extra_state.1.generator") without.insert(n, t);
  io::save_safetensors(checkpoint, without);
  try {
    resume_linreg(out, stateful({"train.epochs=2"}));
    FAIL() << "no IOError";
  } catch (const IOError& e) {
    EXPECT_NE(std::string(e.what()).find("missing: \"1.generator\""), std::string::npos) << e.what();
  }
}

// ---- The loader's place ----

// The trainer's loader runs the epoch after the ones done; a checkpoint that records another
// place for it (above: a loader epoch other than minidl.epoch, a position inside an epoch) is
// refused. One written before the loader was recorded resumes exactly.
TEST(ResumeLoader, ACheckpointWithoutTheLoaderKeysResumesToTheSameRows) {
  const std::string whole = scratch("loader_whole"), parts = scratch("loader_parts");
  train_linreg(whole, stateful({"train.epochs=3"}));
  train_linreg(parts, stateful({"train.epochs=1"}));
  remove_metadata(fs::path(parts) / "checkpoint.safetensors", {"minidl.loader.epoch", "minidl.loader.position"});
  resume_linreg(parts, stateful({"train.epochs=3"}));
  EXPECT_EQ(metrics_without_time(fs::path(parts) / "metrics.csv"), metrics_without_time(fs::path(whole) / "metrics.csv"));
  EXPECT_EQ(read_file(fs::path(parts) / "model.safetensors"), read_file(fs::path(whole) / "model.safetensors"));
}

TEST(HostileMetrics, AnEmptyOrDamagedMetricsFileIsAnIOErrorNamingIt) {
  const std::string out = scratch("hostile_metrics");
  const fs::path metrics = fs::path(out) / "metrics.csv";
  for (const std::string& text : {std::string(""), std::string("epoch,train_loss,val_loss,val_accuracy,lr,seconds\n"),
                                  std::string("epoch,train_loss,val_loss,val_accuracy,lr,seconds\n1,x,,,0.03,1\n"),
                                  std::string("epoch,train_loss,val_loss,val_accuracy,lr,seconds\n2,1,,,0.03,1\n")}) {
    fs::remove_all(out);
    train_linreg(out, {"train.epochs=1"});
    write_file(metrics, text);
    try {
      resume_linreg(out);
      ADD_FAILURE() << "no IOError for '" << text << "'";
    } catch (const IOError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(metrics.string() + ":", 0), 0u) << e.what();
    }
  }
}

// ---- Files that do not grow with the epochs ----

TEST(CheckpointFile, RecordsOnlyWhatAResumeReads) {
  const std::string out = scratch("checkpoint_keys");
  train_linreg(out, stateful({"train.epochs=1"}));
  const io::StateDict checkpoint = io::load_safetensors(fs::path(out) / "checkpoint.safetensors");
  std::vector<std::string> minidl_keys;
  for (const auto& [key, value] : checkpoint.metadata)
    if (key.rfind("minidl.", 0) == 0) minidl_keys.push_back(key);
  EXPECT_EQ(minidl_keys, (std::vector<std::string>{"minidl.config", "minidl.epoch", "minidl.loader.epoch",
                                                   "minidl.loader.position"}));
  EXPECT_EQ(checkpoint.metadata.at("minidl.loader.epoch"), "1");
  EXPECT_EQ(checkpoint.metadata.at("minidl.loader.position"), "0");
  EXPECT_EQ(checkpoint.names(),
            (std::vector<std::string>{"extra_state.1.generator", "optimizer.state.0.bias.step",
                                      "optimizer.state.0.weight.step", "model.0.bias", "model.0.weight"}))
      << "int64 tensors first, then by name, as safetensors writes them";
}

TEST(CheckpointFile, TheWeightsFileHoldsWhatPyTorchsStateDictHolds) {
  const std::string out = scratch("weights_file_keys");
  train_linreg(out, stateful({"train.epochs=1"}));
  const io::StateDict weights = io::load_safetensors(fs::path(out) / "model.safetensors");
  EXPECT_EQ(weights.names(), (std::vector<std::string>{"0.bias", "0.weight"})) << "no Dropout entries";
  EXPECT_TRUE(weights.metadata.empty());
}

TEST(CheckpointFile, ItsSizeDoesNotGrowWithTheEpochs) {
  const std::string out = scratch("checkpoint_size");
  train_linreg(out, {"data.train.n=100", "train.epochs=10"});
  const auto after_10 = fs::file_size(fs::path(out) / "checkpoint.safetensors");
  resume_linreg(out, {"data.train.n=100", "train.epochs=90"});
  EXPECT_EQ(fs::file_size(fs::path(out) / "checkpoint.safetensors"), after_10);
}

TEST(MetricsFile, RowsPastTheCheckpointAreDroppedOnResume) {
  // A kill after an epoch's row but before its checkpoint, then one mid-row.
  const std::string whole = scratch("metrics_whole"), parts = scratch("metrics_parts");
  train_linreg(whole, stateful({"train.epochs=4"}));
  train_linreg(parts, stateful({"train.epochs=2"}));
  {
    std::ofstream csv(fs::path(parts) / "metrics.csv", std::ios::app);
    csv << "3,0.5,,,0.03,0.1\n4,0.2";
  }
  resume_linreg(parts, stateful({"train.epochs=4"}));
  EXPECT_EQ(metrics_without_time(fs::path(parts) / "metrics.csv"), metrics_without_time(fs::path(whole) / "metrics.csv"));
  EXPECT_EQ(read_file(fs::path(parts) / "model.safetensors"), read_file(fs::path(whole) / "model.safetensors"));
}

// ---- Stopping on request (Ctrl-C in `minidl train`) ----

// A stop request that answers yes on its `n`-th question (the loop asks after every step and
// after every epoch's files).
std::function<bool()> stop_at_question(int n) {
  auto asked = std::make_shared<int>(0);
  return [asked, n] { return ++*asked >= n; };
}

TEST(StopRequest, StopsMidEpochKeepingTheLastWholeEpochAndResumesToTheSameRun) {
  // linreg: 100 samples in batches of 10, so 10 steps and one epoch-end question an epoch.
  const std::string whole = scratch("stop_whole"), stopped = scratch("stop_mid_epoch");
  train_linreg(whole, stateful({"train.epochs=3"}));
  expect_mentions(error_of<InterruptedError>([&] {
                    train_linreg(stopped, stateful({"train.epochs=3"}), {.stop_requested = stop_at_question(11 + 5)});
                  }),
                  {"during epoch 2, after batch 5 of 10", "(epoch 1)", "--resume"});
  EXPECT_FALSE(fs::exists(fs::path(stopped) / "model.safetensors"));
  resume_linreg(stopped, stateful({"train.epochs=3"}));
  EXPECT_EQ(metrics_without_time(fs::path(stopped) / "metrics.csv"), metrics_without_time(fs::path(whole) / "metrics.csv"));
  EXPECT_EQ(read_file(fs::path(stopped) / "model.safetensors"), read_file(fs::path(whole) / "model.safetensors"));
}

TEST(StopRequest, StopsBetweenEpochsAfterTheEpochsFiles) {
  const std::string out = scratch("stop_between");
  expect_mentions(error_of<InterruptedError>([&] {
                    train_linreg(out, stateful({"train.epochs=3"}), {.stop_requested = stop_at_question(11)});
                  }),
                  {"after epoch 1 of 3"});
  const std::string rows = metrics_without_time(fs::path(out) / "metrics.csv");
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 2) << "the header and epoch 1: " << rows;
  EXPECT_TRUE(fs::exists(fs::path(out) / "checkpoint.safetensors"));
}
