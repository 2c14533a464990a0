// The minidl command: its outputs, its one-line errors and its exit statuses.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

namespace {

struct Result {
  int status;
  std::string output;  // stdout and stderr together
};

Result minidl(const std::string& args) {
  const std::string command = std::string(MINIDL_CLI) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("minidl_cli_test_" + std::to_string(::getpid()) + "_" + name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

}  // namespace

TEST(Cli, TrainWritesEveryOutputAndPrintsOneLinePerEpoch) {
  const std::string out = scratch("train");
  const Result r = minidl("train configs/linreg.yaml output=" + out);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("epoch 1/3  train_loss"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("epoch 3/3  train_loss"), std::string::npos) << r.output;
  for (const char* file : {"config.yaml", "metrics.csv", "model.safetensors", "checkpoint.safetensors", "summary.json"})
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(out) / file)) << file;
}

TEST(Cli, QuietPrintsTheFinalLineOnly) {
  const Result r = minidl("train configs/linreg.yaml --quiet output=" + scratch("quiet"));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.output.find("epoch 1/3"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.rfind("linreg: 3 epochs, train_loss ", 0), 0u) << r.output;
}

TEST(Cli, ResumeContinuesToTheConfiguredEpochs) {
  const std::string out = scratch("resume");
  ASSERT_EQ(minidl("train configs/linreg.yaml train.epochs=1 output=" + out).status, 0);
  const Result r = minidl("train configs/linreg.yaml --resume output=" + out);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("epoch 1/3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("epoch 2/3"), std::string::npos) << r.output;
}

TEST(Cli, CheckPrintsTheResolvedConfigAndTheModel) {
  const Result r = minidl("check configs/digits_mlp.yaml model.0.out=256");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("{type: linear, in: 64, out: 256, bias: true}"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("{type: linear, in: 256, out: 10, bias: true}"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Linear"), std::string::npos) << r.output;
}

TEST(Cli, ConfigErrorsAreOneLineWithStatusTwo) {
  const Result r = minidl("check configs/digits_mlp.yaml optimizer.lrr=0.1");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output.rfind("minidl: error: override 'optimizer.lrr=0.1': unknown key 'lrr' in 'optimizer' "
                           "(did you mean 'lr'?)", 0), 0u) << r.output;
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << r.output;
}

TEST(Cli, MissingConfigFileIsStatusOne) {
  const Result r = minidl("train configs/nothing_here.yaml");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.output, "minidl: error: cannot read config file 'configs/nothing_here.yaml'\n");
}

TEST(Cli, UsageErrorIsNonZero) {
  EXPECT_NE(minidl("").status, 0);
  EXPECT_NE(minidl("train").status, 0);
}
