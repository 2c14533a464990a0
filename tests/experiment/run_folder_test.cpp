// Run folders: a run never overwrites another by accident, two runs never share a folder, a
// killed run's temporary files are cleaned up, and every write says why it failed.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "minidl/experiment/run_folder.hpp"
#include "minidl/nn/file_io.hpp"
#include "minidl_test/errors.hpp"
#include "run_helpers.hpp"
#include "train_helpers.hpp"

using namespace minidl;
using namespace minidl::experiment;
using namespace minidl::test;
namespace fs = std::filesystem;

namespace {

// The IOError message of `f()`.
template <class F>
std::string io_error_of(F f) {
  return error_of<IOError>(f);
}

}  // namespace

// ---- Never overwritten by accident ----

TEST(RunFolder, AnOutputHoldingARunIsRefusedAndLeftAsItWas) {
  const std::string out = scratch("refused");
  train_linreg(out);
  const std::string model = read_file(fs::path(out) / "model.safetensors");
  const std::string message = io_error_of([&] { train_linreg(out, {"seed=7"}); });
  EXPECT_NE(message.find("'" + out + "' already holds a run"), std::string::npos) << message;
  EXPECT_NE(message.find("--resume"), std::string::npos) << message;
  EXPECT_NE(message.find("--overwrite"), std::string::npos) << message;
  EXPECT_EQ(read_file(fs::path(out) / "model.safetensors"), model);
}

TEST(RunFolder, OverwriteReplacesTheRunWhole) {
  const std::string out = scratch("overwrite");
  train_linreg(out);
  const std::string model = read_file(fs::path(out) / "model.safetensors");
  const std::string summary = read_file(fs::path(out) / "summary.json");
  train_linreg(out, {"seed=7", "train.epochs=1"}, {.overwrite = true});
  EXPECT_NE(read_file(fs::path(out) / "model.safetensors"), model);
  EXPECT_NE(read_file(fs::path(out) / "config.yaml").find("seed: 7"), std::string::npos);
  EXPECT_NE(read_file(fs::path(out) / "summary.json"), summary);
}

// ---- One run per folder at a time ----

TEST(RunFolder, ASecondRunIntoALockedFolderIsRefused) {
  const std::string out = scratch("locked");
  const RunFolder first(out, "linreg", RunMode::Fresh);  // as another process's run would hold it
  const std::string message = io_error_of([&] { train_linreg(out); });
  EXPECT_NE(message.find("'" + out + "' is in use by another minidl run"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(fs::path(out) / "config.yaml"));
}

TEST(RunFolder, TheLockIsReleasedWithTheRun) {
  const std::string out = scratch("unlocked");
  { const RunFolder first(out, "linreg", RunMode::Fresh); }
  EXPECT_NO_THROW(train_linreg(out));
}

TEST(RunFolder, AResumeRemovesTheTemporaryFilesOfAKilledWrite) {
  const std::string out = scratch("debris");
  train_linreg(out, {"train.epochs=1"});
  const fs::path debris = fs::path(out) / ".checkpoint.safetensors.tmp-Ab12Cd";
  write_file(debris, std::string(4096, 'x'));
  train_linreg(out, {}, {.resume = true});
  EXPECT_FALSE(fs::exists(debris));
  for (const auto& entry : fs::directory_iterator(out))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
}

TEST(RunFolder, TemporaryNamesAreUniqueSoNoOtherFileIsInTheWay) {
  // What a fixed temporary name would collide with: another writer's, or a killed one's.
  const std::string out = scratch("fixed_temporaries");
  for (const char* name : {"config.yaml.tmp", "metrics.csv.tmp", "summary.json.tmp"})
    fs::create_directories(fs::path(out) / name / "in_the_way");
  EXPECT_NO_THROW(train_linreg(out));
}

// ---- Every write says why it failed ----

TEST(FileWrites, AWriteThatFailsSaysWhyAndLeavesNoTemporaryFile) {
  // Files may grow to 64 bytes: config.yaml, the run's first file, cannot be written.
  const std::string out = scratch("file_too_large");
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);  // then write() fails with EFBIG
  rlimit old_limit{};
  ::getrlimit(RLIMIT_FSIZE, &old_limit);
  rlimit small = old_limit;
  small.rlim_cur = 64;
  ::setrlimit(RLIMIT_FSIZE, &small);
  const std::string message = io_error_of([&] { train_linreg(out); });
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(message.rfind((fs::path(out) / "config.yaml").string() + ": ", 0), 0u) << message;
  EXPECT_NE(message.find("File too large"), std::string::npos) << message;
  for (const auto& entry : fs::directory_iterator(out))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
}

TEST(FileWrites, AnOutputThatCannotBeAFolderSaysWhy) {
  const std::string file = scratch("not_a_folder");
  write_file(file, "a file");
  const std::string message = io_error_of([&] { train_linreg(file + "/run"); });
  EXPECT_NE(message.find(file + "/run"), std::string::npos) << message;
  EXPECT_NE(message.find("Not a directory"), std::string::npos) << message;
}

TEST(FileWrites, AtomicWritesNameThePathAndTheReason) {
  const fs::path missing = fs::path(scratch("missing_folder")) / "config.yaml";
  std::string message = io_error_of([&] { nn::write_file_atomically(missing, "name: x\n"); });
  EXPECT_EQ(message.rfind(missing.string() + ": ", 0), 0u) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;

  // A target that is a folder (`minidl predict -o some/folder`) is named so, and nothing is left.
  const fs::path folder = scratch("target_is_folder");
  fs::create_directories(folder / "summary.json" / "inside");
  message = io_error_of([&] { nn::write_file_atomically(folder / "summary.json", "{}\n"); });
  EXPECT_EQ(message.rfind((folder / "summary.json").string() + ": ", 0), 0u) << message;
  EXPECT_NE(message.find("is a folder, not a file"), std::string::npos) << message;
  for (const auto& entry : fs::directory_iterator(folder))
    EXPECT_EQ(entry.path().filename(), "summary.json") << "left behind: " << entry.path();
}

TEST(FileWrites, ASymbolicLinkStaysALinkAndTheFileItNamesIsReplaced) {
  const fs::path dir = scratch("write_through_link");
  fs::remove_all(dir);
  fs::create_directories(dir / "real");
  write_file(dir / "real" / "target.csv", "old\n");
  fs::create_symlink("real/target.csv", dir / "link.csv");
  fs::create_symlink("real/created.csv", dir / "dangling.csv");
  nn::write_file_atomically(dir / "link.csv", "new\n");
  nn::write_file_atomically(dir / "dangling.csv", "made\n");
  EXPECT_TRUE(fs::is_symlink(dir / "link.csv"));
  EXPECT_EQ(read_file(dir / "real" / "target.csv"), "new\n");
  EXPECT_TRUE(fs::is_symlink(dir / "dangling.csv"));
  EXPECT_EQ(read_file(dir / "real" / "created.csv"), "made\n");
}

TEST(FileWrites, APipeIsWrittenToNotReplaced) {
  const fs::path fifo = fs::path(scratch("write_through_fifo"));
  fs::remove(fifo);
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The reader is open first (without blocking), so the write finds it; were the pipe replaced
  // by a file instead, the reader would see nothing and nothing would wait.
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  nn::write_file_atomically(fifo, "through\n");
  char buffer[64] = {};
  const ssize_t n = ::read(reader, buffer, sizeof buffer);
  ::close(reader);
  EXPECT_EQ(std::string(buffer, static_cast<size_t>(std::max<ssize_t>(n, 0))), "through\n");
  EXPECT_EQ(fs::status(fifo).type(), fs::file_type::fifo);
}

TEST(FileWrites, AppendsNameThePathAndTheReason) {
  const fs::path missing = fs::path(scratch("append_missing")) / "metrics.csv";
  const std::string message = io_error_of([&] { nn::append_file_durably(missing, "1,2,,,3,4\n"); });
  EXPECT_EQ(message.rfind(missing.string() + ": ", 0), 0u) << message;
  EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
}

TEST(FileWrites, AppendsAddToTheEnd) {
  const fs::path csv = fs::path(scratch("append")) ;
  fs::create_directories(csv);
  nn::write_file_atomically(csv / "metrics.csv", "header\n");
  nn::append_file_durably(csv / "metrics.csv", "1\n");
  nn::append_file_durably(csv / "metrics.csv", "2\n");
  EXPECT_EQ(read_file(csv / "metrics.csv"), "header\n1\n2\n");
}

TEST(RunFolder, ResumingAMissingFolderCreatesNothing) {
  const std::string out = scratch("resume_missing");
  const std::string message = io_error_of([&] { train_linreg(out, {}, {.resume = true}); });
  EXPECT_NE(message.find("cannot resume: there is no output folder '" + out + "'"), std::string::npos) << message;
  EXPECT_FALSE(fs::exists(out));
}
