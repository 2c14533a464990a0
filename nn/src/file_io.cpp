#include "file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "minidl/core/error.hpp"

namespace minidl::nn::detail {
namespace {

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what, int err) {
  throw IOError(path.string() + ": " + what + ": " + std::strerror(err));
}

// Closes on scope exit so that every error path releases the descriptor.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() { if (fd_ >= 0) ::close(fd_); }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  /// Closes now, reporting the error (a failed close can mean lost data).
  int close() { int rc = ::close(fd_); fd_ = -1; return rc; }

 private:
  int fd_;
};

}  // namespace

std::vector<uint8_t> read_file(const std::filesystem::path& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) fail(path, "cannot open for reading", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail(path, "cannot stat", errno);
  if (!S_ISREG(st.st_mode)) throw IOError(path.string() + ": not a regular file");
  std::vector<uint8_t> bytes(static_cast<size_t>(st.st_size));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(path, "read failed", errno);
    if (n == 0) break;  // the file shrank while we read it: parse what is there
    done += static_cast<size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

void write_file_atomically(const std::filesystem::path& path, std::span<const uint8_t> bytes) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  // Hidden name next to the target, so the rename stays within one file system.
  std::string tmp_name = ".";
  tmp_name += path.filename().string();
  tmp_name += ".tmp-XXXXXX";
  std::string tmp = (dir / tmp_name).string();
  FileDescriptor fd(::mkstemp(tmp.data()));
  if (fd.get() < 0) fail(path, "cannot create a temporary file in " + dir.string(), errno);
  auto abandon = [&](const std::string& what) {
    int err = errno;
    ::unlink(tmp.c_str());
    fail(path, what, err);
  };
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) abandon("write failed");
    done += static_cast<size_t>(n);
  }
  // mkstemp creates mode 0600; a weights file is meant to be shared like any output.
  if (::fchmod(fd.get(), 0644) != 0) abandon("cannot set permissions");
  if (::fsync(fd.get()) != 0) abandon("fsync failed");
  if (fd.close() != 0) abandon("close failed");
  if (::rename(tmp.c_str(), path.c_str()) != 0) abandon("cannot rename the temporary file over it");
  // The rename is durable only once the directory entry itself reaches the disk.
  FileDescriptor dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() >= 0) ::fsync(dir_fd.get());
}

}  // namespace minidl::nn::detail
