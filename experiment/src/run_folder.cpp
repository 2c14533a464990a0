#include "minidl/experiment/run_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "minidl/core/error.hpp"
#include "minidl/core/number_text.hpp"
#include "minidl/io/file_io.hpp"

namespace minidl::experiment {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kVersionPrefix = "version_";
constexpr const char* kLockFile = ".minidl.lock";

// N of a "version_N" folder name.
std::optional<int64_t> version_number(const std::string& name) {
  if (!name.starts_with(kVersionPrefix) || name.size() == kVersionPrefix.size()) return std::nullopt;
  return parse_integer<int64_t>(std::string_view(name).substr(kVersionPrefix.size()), 0,
                                     std::numeric_limits<int64_t>::max());
}

// The highest N of the version_N folders in `base`; none when there is none.
std::optional<int64_t> newest_version(const fs::path& base) {
  std::optional<int64_t> newest;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(base, ec))
    if (const auto n = version_number(entry.path().filename().string()); n && entry.is_directory(ec))
      newest = std::max(newest.value_or(*n), *n);
  return newest;
}

void create_folder(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw IOError("cannot create output folder '" + dir.string() + "': " + ec.message());
}

// A new version_N folder under `base`, made atomically: two runs starting together get two.
fs::path new_version(const fs::path& base) {
  create_folder(base);
  for (int64_t n = newest_version(base).value_or(-1) + 1;; ++n) {
    const fs::path dir = base / (std::string(kVersionPrefix) + std::to_string(n));
    std::error_code ec;
    if (fs::create_directory(dir, ec)) return dir;
    if (ec) throw IOError("cannot create output folder '" + dir.string() + "': " + ec.message());
  }
}

// Locks `dir` for this process, writing its id into the lock file for the one refused.
int lock(const fs::path& dir) {
  const fs::path file = dir / kLockFile;
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw IOError("cannot lock output folder '" + dir.string() + "': " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char holder[32] = {};
    const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
    ::close(fd);
    if (err == EWOULDBLOCK)
      throw IOError("output folder '" + dir.string() + "' is in use by another minidl run" +
                    (n > 0 ? " (process " + std::string(holder, static_cast<size_t>(n)) + ")" : std::string()) +
                    "; wait for it to finish or choose another output");
    throw IOError("cannot lock output folder '" + dir.string() + "': " + std::strerror(err));
  }
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    const int err = errno;
    ::close(fd);
    throw IOError("cannot lock output folder '" + dir.string() + "': " + std::strerror(err));
  }
  return fd;
}

}  // namespace

RunFolder::RunFolder(const std::string& output, const std::string& name, RunMode mode) {
  chosen_ = output.empty();
  const fs::path base = fs::path("runs") / name;
  if (!chosen_) {
    path_ = output;
    if (mode == RunMode::Resume && !fs::is_directory(path_))
      throw IOError("cannot resume: there is no output folder '" + path_.string() + "'");
    create_folder(path_);
  } else if (mode == RunMode::Resume) {
    const auto newest = newest_version(base);
    if (!newest) throw IOError("cannot resume: no run in '" + base.string() + "' (no version_<N> folder)");
    path_ = base / (std::string(kVersionPrefix) + std::to_string(*newest));
  } else {
    path_ = new_version(base);
  }
  lock_fd_ = lock(path_);
  try {
    // Only this process writes here now: any temporary file is a killed run's.
    io::remove_interrupted_writes(path_);
    const std::vector<fs::path> run_files = files().all();
    std::string present;
    for (const fs::path& file : run_files)
      if (fs::exists(file)) present += (present.empty() ? "" : ", ") + file.filename().string();
    if (mode == RunMode::Fresh && !present.empty())
      throw IOError("output folder '" + path_.string() + "' already holds a run (" + present +
                    "); pass --resume to continue it or --overwrite to replace it");
    if (mode == RunMode::Overwrite)
      for (const fs::path& file : run_files) {
        std::error_code ec;
        fs::remove(file, ec);
        if (ec) throw IOError("cannot overwrite '" + file.string() + "': " + ec.message());
      }
  } catch (...) {
    ::close(lock_fd_);  // the destructor does not run for a constructor that throws
    throw;
  }
}

RunFolder::~RunFolder() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

}  // namespace minidl::experiment
