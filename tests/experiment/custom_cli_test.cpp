// examples/custom_optimizer: a user's program that registers Lion and calls run_cli is a whole
// `minidl` command that knows `optimizer: {type: lion}` (train, check, --resume, overrides).
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "cli_helpers.hpp"
#include "run_helpers.hpp"

namespace {

using minidl::test::scratch;

minidl::test::CommandResult lion_cli(const std::string& args) { return minidl::test::run_program(MINIDL_LION_CLI, "", args); }

const std::string kLionConfig = "examples/custom_optimizer/lion.yaml";

}  // namespace

TEST(CustomCli, TrainsAConfigThatNamesLion) {
  const std::string out = scratch("lion_train");
  const auto r = lion_cli("train " + kLionConfig + " output=" + out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("epoch 10/10"), std::string::npos) << r.output;
  const auto summary = nlohmann::json::parse(minidl::test::read_file(std::filesystem::path(out) / "summary.json"));
  EXPECT_LT(summary["val_loss"].get<double>(), 1e-3) << summary.dump();
  EXPECT_NE(minidl::test::read_file(std::filesystem::path(out) / "config.yaml").find("type: lion"), std::string::npos);
}

TEST(CustomCli, ChecksWithOverridesAndLocatesMistakesInLionsOptions) {
  const auto ok = lion_cli("check " + kLionConfig + " optimizer.lr=0.01");
  EXPECT_EQ(ok.status, 0) << ok.output;
  EXPECT_NE(ok.output.find("type: lion"), std::string::npos) << ok.output;
  EXPECT_NE(ok.output.find("lr: 0.01"), std::string::npos) << ok.output;

  const auto bad = lion_cli("check " + kLionConfig + " optimizer.betaz=0.9");
  EXPECT_EQ(bad.status, 2) << bad.output;
  EXPECT_NE(bad.output.find("did you mean 'betas'?"), std::string::npos) << bad.output;
}

TEST(CustomCli, ResumesARunToMoreEpochs) {
  const std::string out = scratch("lion_resume");
  ASSERT_EQ(lion_cli("train " + kLionConfig + " train.epochs=2 output=" + out).status, 0);
  const auto r = lion_cli("train " + kLionConfig + " --resume train.epochs=4 output=" + out);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("epoch 2/4"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("epoch 3/4"), std::string::npos) << r.output;
}

TEST(CustomCli, TheShippedCommandDoesNotKnowLion) {
  const auto r = minidl::test::run_program(MINIDL_CLI, "", "check " + kLionConfig);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("unknown optimizer 'lion'"), std::string::npos) << r.output;
}
