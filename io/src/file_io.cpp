#include "minidl/io/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "minidl/core/error.hpp"

namespace minidl::io {
namespace {

// The temporary files write_file_atomically makes: hidden, next to their target.
constexpr std::string_view kTemporaryMark = ".tmp-";

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

// Writes all of `bytes`; false with errno set on failure.
bool write_all(int fd, std::span<const uint8_t> bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::span<const uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

// The file a write to `path` replaces: a symbolic link's final target (a dangling link's too),
// so that the link stays a link, as it does for a shell's `>`.
std::filesystem::path replaced_file(std::filesystem::path path) {
  constexpr int kMaxLinks = 40;  // as the kernel's own limit (ELOOP)
  std::error_code ec;
  for (int links = 0; links < kMaxLinks && std::filesystem::is_symlink(path, ec); ++links) {
    const std::filesystem::path target = std::filesystem::read_symlink(path, ec);
    if (ec) break;
    path = target.is_absolute() ? target : path.parent_path() / target;
  }
  return path;
}

// Whether `path` is a device, pipe or socket (/dev/null, /dev/stdout on a terminal or a pipe):
// a file that is written to, never replaced.
bool is_written_through(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

void write_through(const std::filesystem::path& path, std::span<const uint8_t> bytes) {
  FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (fd.get() < 0) fail(path, "cannot open for writing", errno);
  if (!write_all(fd.get(), bytes)) fail(path, "write failed", errno);
  if (fd.close() != 0) fail(path, "close failed", errno);
}

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

void write_file_atomically(const std::filesystem::path& named, std::span<const uint8_t> bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(named, ec)) throw IOError(named.string() + ": is a folder, not a file");
  if (is_written_through(named)) return write_through(named, bytes);
  const std::filesystem::path path = replaced_file(named);
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  // Hidden and unique next to the target: the rename stays within one file system, and two
  // writers never share a temporary file.
  std::string name = ".";  // appended: GCC 12 warns falsely (-Wrestrict) on "." + ... once inlined
  name += path.filename().string();
  name += kTemporaryMark;
  name += "XXXXXX";
  std::string tmp = (dir / name).string();
  FileDescriptor fd(::mkstemp(tmp.data()));
  if (fd.get() < 0) fail(path, "cannot create a temporary file in '" + dir.string() + "'", errno);
  auto abandon = [&](const std::string& what) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail(path, what, err);
  };
  if (!write_all(fd.get(), bytes)) abandon("write failed");
  // mkstemp creates mode 0600; outputs are meant to be shared like any other file.
  if (::fchmod(fd.get(), 0644) != 0) abandon("cannot set permissions");
  if (::fsync(fd.get()) != 0) abandon("fsync failed");
  if (fd.close() != 0) abandon("close failed");
  if (::rename(tmp.c_str(), path.c_str()) != 0) abandon("cannot rename the temporary file over it");
  // The rename is durable only once the directory entry itself reaches the disk.
  FileDescriptor dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0) fail(path, "cannot open its folder to fsync it", errno);
  // Some file systems cannot fsync a directory (EINVAL): nothing more can be done there.
  if (::fsync(dir_fd.get()) != 0 && errno != EINVAL) fail(path, "fsync of its folder failed", errno);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view text) {
  write_file_atomically(path, as_bytes(text));
}

void append_file_durably(const std::filesystem::path& path, std::string_view text) {
  FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC));
  if (fd.get() < 0) fail(path, "cannot open for appending", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail(path, "cannot stat", errno);
  auto undo = [&](const std::string& what) {
    const int err = errno;
    [[maybe_unused]] const int ignored = ::ftruncate(fd.get(), st.st_size);
    fail(path, what, err);
  };
  if (!write_all(fd.get(), as_bytes(text))) undo("write failed");
  if (::fsync(fd.get()) != 0) undo("fsync failed");
  if (fd.close() != 0) fail(path, "close failed", errno);
}

void remove_interrupted_writes(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec);
  if (ec) throw IOError(dir.string() + ": cannot list the folder: " + ec.message());
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(".") || name.find(kTemporaryMark) == std::string::npos) continue;
    if (entry.is_regular_file(ec) && !std::filesystem::remove(entry.path(), ec) && ec)
      throw IOError(entry.path().string() + ": cannot remove an interrupted write: " + ec.message());
  }
}

}  // namespace minidl::io
