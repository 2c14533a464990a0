// The minidl command: its outputs, its one-line errors and its exit statuses.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
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

namespace {
// The value after "key: " on its own line of `text`.
std::string line_value(const std::string& text, const std::string& key) {
  const size_t at = text.find("\n" + key + ": ");
  if (at == std::string::npos) return {};
  const size_t begin = at + key.size() + 3;
  return text.substr(begin, text.find('\n', begin) - begin);
}

// Sets an environment variable for the commands a test runs, and unsets it after.
struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name); }
  const char* name;
};
}  // namespace

TEST(Cli, VersionSaysWhatRuns) {
  const Result r = minidl("--version");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("minidl 0.", 0), 0u) << r.output;
  EXPECT_NE(line_value(r.output, "BLAS").find("OpenBLAS"), std::string::npos) << r.output;
  EXPECT_NE(line_value(r.output, "BLAS core"), "") << r.output;
  EXPECT_NE(line_value(r.output, "CPU").find("family"), std::string::npos) << r.output;
  EXPECT_NE(line_value(r.output, "threads"), "") << r.output;
}

TEST(Cli, AUserSetCoreIsKeptAndWarnedAboutWhenSlowForTheCpu) {
  const bool avx2_fma = line_value(minidl("--version").output, "CPU").find("avx2 fma") != std::string::npos;
  const ScopedEnv prescott("OPENBLAS_CORETYPE", "Prescott");
  const std::string version = minidl("--version").output;
  EXPECT_EQ(line_value(version, "BLAS core"), "Prescott, chosen by the user (OPENBLAS_CORETYPE=Prescott)");
  EXPECT_EQ(line_value(version, "warning").find("OpenBLAS runs its Prescott kernels"), avx2_fma ? 0u : std::string::npos)
      << version;
  const Result r = minidl("train configs/linreg.yaml --quiet output=" + scratch("prescott"));
  EXPECT_EQ(r.status, 0) << r.output;
  const std::string warning = "minidl: warning: OpenBLAS runs its Prescott kernels on a CPU with AVX2 and FMA";
  if (avx2_fma) {
    const size_t at = r.output.find(warning);
    ASSERT_NE(at, std::string::npos) << r.output;
    const std::string line = r.output.substr(at, r.output.find('\n', at) - at);
    EXPECT_NE(line.find("OPENBLAS_CORETYPE=Prescott is set"), std::string::npos) << line;
  } else {
    EXPECT_EQ(r.output.find(warning), std::string::npos) << r.output;
  }
}

TEST(Cli, SummaryRecordsTheBlasCore) {
  const std::string core = line_value(minidl("--version").output, "BLAS core");
  const std::string out = scratch("blas_core");
  ASSERT_EQ(minidl("train configs/linreg.yaml --quiet output=" + out).status, 0);
  std::ifstream in(std::filesystem::path(out) / "summary.json");
  const std::string summary((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(summary.find("\"blas_core\": \"" + core.substr(0, core.find(",")) + "\""), std::string::npos) << summary;
}
