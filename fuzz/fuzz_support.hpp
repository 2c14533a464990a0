#pragma once
// What the fuzz targets share: reporting a finding, and handing bytes to APIs that read files.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace minidl::fuzz {

/// A broken invariant: prints it and aborts, so libFuzzer saves the input as a crash.
[[noreturn]] inline void finding(std::string_view what) {
  std::fprintf(stderr, "fuzz finding: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

/// Where input files go: /dev/shm when the system has it, as writing every input to a disk
/// makes fuzzing ten times slower; else the temp directory.
inline std::filesystem::path scratch_directory() {
  std::error_code ignored;
  if (std::filesystem::is_directory("/dev/shm", ignored)) return "/dev/shm";
  return std::filesystem::temp_directory_path();
}

/// One file in the scratch directory, named after the target and the process (parallel fuzzing
/// jobs do not share it), rewritten for each input and removed at exit.
class InputFile {
 public:
  InputFile(std::string_view target, std::string_view extension)
      : path_(scratch_directory() /
              ("minidl_fuzz_" + std::string(target) + "_" + std::to_string(::getpid()) + std::string(extension))) {}
  ~InputFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  /// Replaces the file's contents with `bytes`; returns its path.
  const std::filesystem::path& write(const uint8_t* bytes, size_t size) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes), static_cast<std::streamsize>(size));
    if (!out.flush()) finding("cannot write the fuzz input to " + path_.string());
    return path_;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace minidl::fuzz
