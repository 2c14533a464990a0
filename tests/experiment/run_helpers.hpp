#pragma once
// What the experiment tests share: scratch folders and whole-file reads.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace minidl::test {

/// A fresh, empty path under the temporary directory, unique to this process and `name`.
inline std::string scratch(const std::string& name) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("minidl_experiment_test_" + std::to_string(::getpid()) + "_" + name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

/// The whole file ("" when it cannot be read).
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// metrics.csv without its `seconds` column, which is a timing.
inline std::string metrics_without_time(const std::filesystem::path& csv) {
  std::istringstream in(read_file(csv));
  std::string out;
  for (std::string line; std::getline(in, line);) out += line.substr(0, line.rfind(',')) + "\n";
  return out;
}

/// Replaces the file's contents.
inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace minidl::test
