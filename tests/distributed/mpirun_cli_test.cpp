// `mpirun -np N minidl train`: the same model as one process at the same global batch, resume
// with another process count, one clear failure when one rank fails, and a clean end when one
// rank is killed outright.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "minidl/io/safetensors.hpp"
#include "run_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using minidl::test::read_file;
using minidl::test::scratch;

struct Result {
  int status;
  std::string output;  // stdout and stderr together
};

Result run(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

const std::string kMpirun = std::string(MINIDL_MPIRUN) + " --allow-run-as-root --oversubscribe";
// A short digits_mlp: its 1437 training rows leave a last batch of 29, split unevenly.
const std::string kDigits = "train configs/digits_mlp.yaml train.epochs=3 --quiet";

Result minidl(const std::string& args) { return run(std::string(MINIDL_CLI) + " " + args); }
Result mpirun(int processes, const std::string& args) {
  return run(kMpirun + " -np " + std::to_string(processes) + " " + MINIDL_CLI + " " + args);
}

// Every tensor of two weights files and every number of two metrics.csv files but their
// `seconds` column (a timing) must agree as numpy.allclose(a, b, rtol=1e-4, atol=1e-6) says: a
// weight near zero differs by float rounding in absolute terms only. Returns the largest
// |a - b| / |b| over values with |b| >= 1e-3 (printed by the tests).
constexpr double kRtol = 1e-4, kAtol = 1e-6;
double largest_relative_difference(const fs::path& a, const fs::path& b) {
  double largest = 0.0;
  auto compare = [&](double x, double y, const std::string& what) {
    if (std::abs(y) >= 1e-3) largest = std::max(largest, std::abs(x - y) / std::abs(y));
    if (std::abs(x - y) > kAtol + kRtol * std::abs(y)) ADD_FAILURE() << what << ": " << x << " vs " << y;
  };
  const minidl::io::StateDict wa = minidl::io::load_safetensors(a / "model.safetensors");
  const minidl::io::StateDict wb = minidl::io::load_safetensors(b / "model.safetensors");
  EXPECT_EQ(wa.names(), wb.names());
  for (const auto& [name, tensor] : wa) {
    const std::vector<float> x = tensor.contiguous().to_vector(), y = wb.at(name).contiguous().to_vector();
    for (size_t i = 0; i < x.size(); ++i) compare(x[i], y[i], name + "[" + std::to_string(i) + "]");
  }
  std::istringstream ma(read_file(a / "metrics.csv")), mb(read_file(b / "metrics.csv"));
  std::string la, lb;
  std::getline(ma, la), std::getline(mb, lb);
  EXPECT_EQ(la, lb);  // the header
  int rows = 0;
  while (std::getline(ma, la) && std::getline(mb, lb)) {
    ++rows;
    std::istringstream fa(la.substr(0, la.rfind(','))), fb(lb.substr(0, lb.rfind(',')));
    for (std::string x, y; std::getline(fa, x, ',') && std::getline(fb, y, ',');) {
      // A column a run does not measure (val_rmse of a classifier) is empty in both.
      if (x.empty() || y.empty()) {
        EXPECT_EQ(x, y) << "metrics.csv: " << la;
        continue;
      }
      compare(std::stod(x), std::stod(y), "metrics.csv: " + la);
    }
  }
  EXPECT_GT(rows, 0);
  return largest;
}

// Lines minidl itself printed (mpirun adds its own report of a non-zero exit, before or after).
int64_t minidl_errors(const std::string& output) {
  int64_t n = 0;
  for (size_t at = output.find("minidl: error:"); at != std::string::npos; at = output.find("minidl: error:", at + 1)) ++n;
  return n;
}

TEST(Mpirun, TwoProcessesTrainTheModelOneProcessTrains) {
  const std::string one = scratch("mpi_one"), two = scratch("mpi_two");
  const Result single = minidl(kDigits + " output=" + one);
  ASSERT_EQ(single.status, 0) << single.output;
  const Result pair = mpirun(2, kDigits + " output=" + two);
  ASSERT_EQ(pair.status, 0) << pair.output;
  // Only rank 0 prints: one final line.
  EXPECT_EQ(std::count(pair.output.begin(), pair.output.end(), '\n'), 1) << pair.output;
  std::cout << "largest relative difference, 1 vs 2 processes: " << largest_relative_difference(two, one) << "\n";
  EXPECT_NE(read_file(fs::path(two) / "summary.json").find("\"world_size\": 2"), std::string::npos);
  EXPECT_NE(read_file(fs::path(one) / "summary.json").find("\"world_size\": 1"), std::string::npos);
}

TEST(Mpirun, ResumeContinuesWithAnotherProcessCount) {
  const std::string whole = scratch("mpi_whole"), resumed = scratch("mpi_resumed");
  ASSERT_EQ(minidl(kDigits + " output=" + whole).status, 0);
  ASSERT_EQ(mpirun(2, kDigits + " train.epochs=1 output=" + resumed).status, 0);
  const Result three = mpirun(3, kDigits + " train.epochs=2 --resume output=" + resumed);
  ASSERT_EQ(three.status, 0) << three.output;
  const Result one = minidl(kDigits + " --resume output=" + resumed);
  ASSERT_EQ(one.status, 0) << one.output;
  std::cout << "largest relative difference, resumed with 2, 3, 1 processes: "
            << largest_relative_difference(resumed, whole) << "\n";
}

TEST(Mpirun, AFailureOnOneRankEndsEveryRankWithOneMessage) {
  // Rank 1 alone misses its data file (as a machine without the dataset would).
  const std::string out = scratch("mpi_failure");
  const std::string train = std::string(MINIDL_CLI) + " " + kDigits + " output=" + out;
  const Result r = run(kMpirun + " -np 1 " + train + " : -np 1 " + train + " data.train.path=no/such/digits.csv");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("minidl: error: rank 1: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("no/such/digits.csv"), std::string::npos) << r.output;
  EXPECT_EQ(minidl_errors(r.output), 1) << r.output;
  EXPECT_FALSE(fs::exists(out)) << "nothing is written";
}

TEST(Mpirun, ADivergenceStopsEveryRankAndKeepsNoWeights) {
  const std::string out = scratch("mpi_divergence");
  const Result r = mpirun(2, kDigits + " optimizer.lr=1e30 output=" + out);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("minidl: error: loss became"), std::string::npos) << r.output;
  EXPECT_EQ(minidl_errors(r.output), 1) << r.output;
  EXPECT_FALSE(fs::exists(fs::path(out) / "model.safetensors"));
}

}  // namespace

namespace {

// BatchNorm normalises with each process's own batch statistics (as DDP without SyncBatchNorm),
// so the model differs from one process's; the running statistics are averaged each epoch, and
// the run trains as well.
TEST(Mpirun, BatchNormTrainsWithAveragedRunningStatistics) {
  const std::string one = scratch("mpi_bn_one"), two = scratch("mpi_bn_two");
  const std::string bn = kDigits + " model.1.type=batch_norm1d";
  ASSERT_EQ(minidl(bn + " output=" + one).status, 0);
  const Result r = mpirun(2, bn + " output=" + two);
  ASSERT_EQ(r.status, 0) << r.output;
  const minidl::io::StateDict weights = minidl::io::load_safetensors(fs::path(two) / "model.safetensors");
  EXPECT_TRUE(weights.contains("1.running_mean"));
  auto accuracy = [](const std::string& out) {
    const std::string metrics = read_file(fs::path(out) / "metrics.csv");
    const std::string last = metrics.substr(metrics.rfind('\n', metrics.size() - 2) + 1);
    std::istringstream fields(last);
    std::string field;
    for (int i = 0; i < 4; ++i) std::getline(fields, field, ',');
    return std::stod(field);
  };
  EXPECT_NEAR(accuracy(two), accuracy(one), 0.03);
}

// Kills one rank outright.

using Clock = std::chrono::steady_clock;

// Polls `done` every 20 ms until it holds or `limit` passes; returns whether it held.
template <class Predicate>
bool wait_until(Predicate done, std::chrono::seconds limit) {
  for (const auto end = Clock::now() + limit; Clock::now() < end;) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// The process mpirun started as rank `rank`: a child of `mpirun` whose environment holds
// OMPI_COMM_WORLD_RANK=<rank> (OpenMPI sets it in every process it starts).
std::optional<pid_t> rank_process(pid_t mpirun, int rank) {
  const std::string wanted = "OMPI_COMM_WORLD_RANK=" + std::to_string(rank);
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string pid, comm, state;
    pid_t parent = 0;
    if (!(stat >> pid >> comm >> state >> parent) || parent != mpirun) continue;
    const std::string environ = read_file(entry.path() / "environ");
    std::istringstream vars(environ);
    for (std::string var; std::getline(vars, var, '\0');)
      if (var == wanted) return static_cast<pid_t>(std::stoi(name));
  }
  return std::nullopt;
}

// The metrics.csv rows after the header, checking that every line is whole (ends in a newline
// and has the header's columns).
int complete_metrics_rows(const fs::path& file) {
  if (!fs::exists(file)) return 0;
  const std::string text = read_file(file);
  std::istringstream lines(text);
  std::string header, line;
  std::getline(lines, header);
  int rows = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(std::count(line.begin(), line.end(), ','), std::count(header.begin(), header.end(), ','))
        << file << ": " << line;
    ++rows;
  }
  if (!text.empty()) {
    EXPECT_EQ(text.back(), '\n') << file << " ends in a cut line";
  }
  return rows;
}

TEST(Mpirun, ARankKilledOutrightEndsTheRunWithoutHangingOrHalfWrittenFiles) {
  const fs::path out = scratch("mpi_killed");
  const fs::path log = out.string() + ".log";
  // Long enough to be mid-training when the kill comes; checkpoints every epoch.
  const std::string command = kMpirun + " -np 2 " + MINIDL_CLI +
                              " train configs/digits_mlp.yaml train.epochs=100000 --quiet output=" + out.string() +
                              " > " + log.string() + " 2>&1";
  pid_t mpirun = 0;
  const std::string exec_command = "exec " + command;
  const char* shell[] = {"/bin/sh", "-c", exec_command.c_str(), nullptr};
  ASSERT_EQ(posix_spawn(&mpirun, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(shell), environ), 0);
  // Ended however the test goes: a hanging mpirun must not outlive it.
  struct Reaper {
    pid_t pid;
    bool reaped = false;
    ~Reaper() {
      if (reaped) return;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  } reaper{mpirun};

  // Mid-training: the second epoch's row is in metrics.csv, so the first epoch's checkpoint is
  // written (the row of an epoch goes before its checkpoint). Whole lines are counted, since a
  // row may be half appended while it is read here.
  auto whole_lines = [&] {
    const fs::path metrics = out / "metrics.csv";
    if (!fs::exists(metrics)) return 0l;
    const std::string text = read_file(metrics);
    return static_cast<long>(std::count(text.begin(), text.end(), '\n'));
  };
  ASSERT_TRUE(wait_until([&] { return whole_lines() >= 3; }, std::chrono::seconds(60))) << read_file(log);
  const std::optional<pid_t> rank1 = rank_process(mpirun, 1);
  ASSERT_TRUE(rank1) << "no process of mpirun " << mpirun << " has OMPI_COMM_WORLD_RANK=1";
  ASSERT_EQ(::kill(*rank1, SIGKILL), 0);

  int status = 0;
  const bool ended = wait_until([&] { return ::waitpid(mpirun, &status, WNOHANG) == mpirun; }, std::chrono::seconds(30));
  ASSERT_TRUE(ended) << "mpirun still runs 30 s after rank 1 was killed:\n" << read_file(log);
  reaper.reaped = true;
  EXPECT_FALSE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(log);
  // Every file of the run folder is whole: the weights files load, metrics.csv has whole lines.
  for (const auto& entry : fs::directory_iterator(out)) {
    const fs::path file = entry.path();
    if (file.extension() == ".safetensors") EXPECT_NO_THROW(minidl::io::load_safetensors(file)) << file;
    else if (file.filename() == "metrics.csv") EXPECT_GE(complete_metrics_rows(file), 1);
    else EXPECT_TRUE(file.filename() == "config.yaml" || file.filename() == ".minidl.lock") << "unexpected " << file;
  }
  EXPECT_TRUE(fs::exists(out / "checkpoint.safetensors"));
  EXPECT_NE(read_file(log).find("exited on signal 9"), std::string::npos) << read_file(log);
  fs::remove(log);
}

}  // namespace
