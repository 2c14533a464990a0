// The minidl command: its outputs, its one-line errors and its exit statuses.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <algorithm>
#include <regex>
#include <string>

#include "cli_helpers.hpp"
#include "run_helpers.hpp"

namespace {

using minidl::test::scratch;

using Result = minidl::test::CommandResult;

// Runs `minidl args` in the working directory `dir` ("" for this one), with `environment`
// ("NAME=value ...") set for it.
Result cli_in(const std::string& dir, const std::string& args, const std::string& environment = "") {
  return minidl::test::run_program(MINIDL_CLI, dir, args, environment);
}

Result cli(const std::string& args) { return cli_in("", args); }

// A fresh working directory, and the shipped linreg config by a path that works from it.
std::string fresh_directory(const std::string& name) {
  const std::string dir = scratch(name);
  std::filesystem::create_directories(dir);
  return dir;
}
const std::string kLinreg = std::filesystem::absolute("configs/linreg.yaml").string();

}  // namespace

TEST(Cli, TrainWritesEveryOutputAndPrintsOneLinePerEpoch) {
  const std::string out = scratch("train");
  const Result r = cli("train configs/linreg.yaml output=" + out);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("epoch 1/3  train_loss"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("epoch 3/3  train_loss"), std::string::npos) << r.output;
  for (const char* file : {"config.yaml", "metrics.csv", "model.safetensors", "checkpoint.safetensors", "summary.json"})
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(out) / file)) << file;
}

TEST(Cli, QuietPrintsTheFinalLineOnly) {
  const Result r = cli("train configs/linreg.yaml --quiet output=" + scratch("quiet"));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.output.find("epoch 1/3"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.rfind("linreg: 3 epochs, train_loss ", 0), 0u) << r.output;
  const Result one = cli("train configs/linreg.yaml --quiet train.epochs=1 output=" + scratch("quiet_one"));
  EXPECT_EQ(one.output.rfind("linreg: 1 epoch, train_loss ", 0), 0u) << one.output;
}

TEST(Cli, ResumeContinuesToTheConfiguredEpochs) {
  const std::string out = scratch("resume");
  ASSERT_EQ(cli("train configs/linreg.yaml train.epochs=1 output=" + out).status, 0);
  const Result r = cli("train configs/linreg.yaml --resume output=" + out);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("epoch 1/3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("epoch 2/3"), std::string::npos) << r.output;
}

TEST(Cli, CheckPrintsTheResolvedConfigAndTheModel) {
  const Result r = cli("check configs/digits_mlp.yaml model.0.out=256");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("{type: linear, in: 64, out: 256, bias: true}"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("{type: linear, in: 256, out: 10, bias: true}"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Linear"), std::string::npos) << r.output;
}

TEST(Cli, CheckPrintsAWarningLineForAConfigThatRunsButIsLikelyAMistake) {
  const Result r = cli("check configs/iris.yaml model.3=softmax");  // appended after the last linear
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("minidl: warning: override 'model.3=softmax': the model ends in softmax"), std::string::npos)
      << r.output;
}

TEST(Cli, ConfigErrorsAreOneLineWithStatusTwo) {
  const Result r = cli("check configs/digits_mlp.yaml optimizer.lrr=0.1");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output.rfind("minidl: error: override 'optimizer.lrr=0.1': unknown key 'lrr' in 'optimizer' "
                           "(did you mean 'lr'?)", 0), 0u) << r.output;
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << r.output;
}

TEST(Cli, MissingConfigFileIsStatusOne) {
  const Result r = cli("train configs/nothing_here.yaml");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.output, "minidl: error: cannot read config file 'configs/nothing_here.yaml'\n");
  const Result folder = cli("train configs");
  EXPECT_EQ(folder.status, 1);
  EXPECT_EQ(folder.output, "minidl: error: 'configs' is a folder, not a config file\n");
}

TEST(Cli, CtrlCStopsTrainingSayingWhereAndHowToResume) {
  const std::string out = scratch("interrupted");
  // SIGINT after a second, as Ctrl-C sends it, into a run far longer than that.
  const Result r = minidl::test::run_program(
      "timeout", "", std::string("--preserve-status -s INT 1 ") + MINIDL_CLI + " train " + kLinreg +
                         " train.epochs=10000000 --quiet output=" + out);
  EXPECT_EQ(r.status, 130) << r.output;
  EXPECT_EQ(r.output.rfind("minidl: error: interrupted ", 0), 0u) << r.output;
  EXPECT_NE(r.output.find("output=" + out + " and --resume"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(out) / "checkpoint.safetensors"));
}

TEST(Cli, ACtrlCDeliveredTwiceStillStopsTrainingWithItsMessage) {
  // timeout(1) and job schedulers send the signal to the process and to its process group, so
  // one Ctrl-C can arrive twice, milliseconds apart. Here the second comes 10 ms after the first,
  // inside a step of about 0.25 s (batches of 4096 through a 784-2048-128-10 MLP): it used to
  // kill the run on the spot, without a word.
  const std::string out = scratch("interrupted_twice");
  const std::string train = std::string(MINIDL_CLI) +
                            " train configs/mlp_large.yaml data.train.n=4096 data.batch_size=4096 model.0.out=2048"
                            " threads=1 train.epochs=1000 --quiet output=" + out;
  const Result r = minidl::test::run_program(
      "sh", "", "-c '" + train + " & pid=$!; sleep 1.5; kill -INT $pid; sleep 0.01; kill -INT $pid; wait $pid'");
  EXPECT_EQ(r.status, 130) << r.output;
  EXPECT_EQ(r.output.rfind("minidl: error: interrupted ", 0), 0u) << r.output;
}

TEST(Cli, UsageErrorIsNonZero) {
  EXPECT_NE(cli("").status, 0);
  EXPECT_NE(cli("train").status, 0);
}

TEST(Cli, AnUnknownCommandIsNamedWithTheClosestOne) {
  const Result r = cli("trian configs/linreg.yaml");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << r.output;
  EXPECT_NE(r.output.find("unknown command 'trian'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("did you mean 'train'?"), std::string::npos) << r.output;
}

TEST(Cli, WithoutOutputEachRunGetsANewVersionFolderAndSaysWhich) {
  const std::string cwd = fresh_directory("versions");
  for (const char* version : {"version_0", "version_1"}) {
    const Result r = cli_in(cwd, "train " + kLinreg);
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output.rfind(std::string("linreg: writing to runs/linreg/") + version + "\n", 0), 0u) << r.output;
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(cwd) / "runs/linreg" / version / "summary.json"));
  }
}

TEST(Cli, ResumeWithoutOutputContinuesTheNewestVersion) {
  const std::string cwd = fresh_directory("resume_newest");
  ASSERT_EQ(cli_in(cwd, "train " + kLinreg + " train.epochs=1").status, 0);
  const Result r = cli_in(cwd, "train " + kLinreg + " --resume");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("epoch 2/3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("-> runs/linreg/version_0"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(cwd) / "runs/linreg/version_1"));
}

TEST(Cli, AnOutputHoldingARunIsRefusedUnlessOverwritten) {
  const std::string out = scratch("holds_a_run");
  ASSERT_EQ(cli("train configs/linreg.yaml train.epochs=1 output=" + out).status, 0);
  Result r = cli("train configs/linreg.yaml output=" + out);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_EQ(r.output.rfind("minidl: error: output folder '" + out + "' already holds a run", 0), 0u) << r.output;
  r = cli("train configs/linreg.yaml --overwrite output=" + out);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("epoch 3/3"), std::string::npos) << r.output;
  EXPECT_NE(cli("train configs/linreg.yaml --overwrite --resume output=" + out).status, 0);
}

TEST(Cli, ResumingAFinishedRunSaysSoAndSucceeds) {
  const std::string out = scratch("finished");
  ASSERT_EQ(cli("train configs/linreg.yaml output=" + out).status, 0);
  const Result r = cli("train configs/linreg.yaml --resume output=" + out);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, "linreg: nothing left to do: '" + out + "' already has 3 of 3 epochs (raise train.epochs to "
                      "train further)\n");
}

TEST(Cli, ARunIntoAFolderInUseIsRefused) {
  const std::string out = fresh_directory("in_use");
  // What a running minidl holds: an exclusive flock on the folder's lock file.
  const int fd = ::open((out + "/.minidl.lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  const Result r = cli("train configs/linreg.yaml output=" + out);
  ::close(fd);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_EQ(r.output.rfind("minidl: error: output folder '" + out + "' is in use by another minidl run", 0), 0u)
      << r.output;
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(out) / "config.yaml"));
}

TEST(Cli, ASizeTooLargeToAllocateIsOneClearLine) {
  // 2^40 samples of 2 features: 8 TiB. A sanitizer build is told to fail the allocation as
  // the ordinary allocator does, rather than stop the program.
  Result r = cli_in("", "check configs/linreg.yaml data.train.n=1099511627776",
                    "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}allocator_may_return_null=1\"");
  // The sanitizer's own warning ("==pid==WARNING: ...") is not minidl's output.
  if (r.output.rfind("==", 0) == 0) r.output.erase(0, r.output.find('\n') + 1);
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.output.rfind("minidl: error: ", 0), 0u) << r.output;
  EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << r.output;
  EXPECT_EQ(r.output.find("std::"), std::string::npos) << "a library's own text: " << r.output;
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
  const Result r = cli("--version");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.rfind("minidl 0.", 0), 0u) << r.output;
  EXPECT_NE(line_value(r.output, "BLAS").find("OpenBLAS"), std::string::npos) << r.output;
  EXPECT_NE(line_value(r.output, "BLAS core"), "") << r.output;
  EXPECT_NE(line_value(r.output, "CPU").find("family"), std::string::npos) << r.output;
  EXPECT_NE(line_value(r.output, "threads"), "") << r.output;
}

TEST(Cli, AUserSetCoreIsKeptAndWarnedAboutWhenSlowForTheCpu) {
  const bool avx2_fma = line_value(cli("--version").output, "CPU").find("avx2 fma") != std::string::npos;
  const ScopedEnv prescott("OPENBLAS_CORETYPE", "Prescott");
  const std::string version = cli("--version").output;
  EXPECT_EQ(line_value(version, "BLAS core"), "Prescott, chosen by the user (OPENBLAS_CORETYPE=Prescott)");
  EXPECT_EQ(line_value(version, "warning").find("OpenBLAS runs its Prescott kernels"), avx2_fma ? 0u : std::string::npos)
      << version;
  const Result r = cli("train configs/linreg.yaml --quiet output=" + scratch("prescott"));
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
  const std::string core = line_value(cli("--version").output, "BLAS core");
  const std::string out = scratch("blas_core");
  ASSERT_EQ(cli("train configs/linreg.yaml --quiet output=" + out).status, 0);
  std::ifstream in(std::filesystem::path(out) / "summary.json");
  const std::string summary((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(summary.find("\"blas_core\": \"" + core.substr(0, core.find(",")) + "\""), std::string::npos) << summary;
}

TEST(Cli, EpochLinesShowTheTimeInAUnitThatKeepsThreeDigits) {
  // A linreg epoch takes well under a millisecond: "0.000s" said nothing.
  const Result r = cli("train configs/linreg.yaml output=" + scratch("time_precision"));
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find(" 0.000s"), std::string::npos) << r.output;
  const std::regex epoch_time(R"(epoch 1/3 .*  lr 0\.03  [1-9][0-9.]*(us|ms|s)\n)");
  EXPECT_TRUE(std::regex_search(r.output, epoch_time)) << r.output;
}
