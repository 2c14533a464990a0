#pragma once
// Helpers for the safetensors tests: hand-built files and scratch paths.
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace minidl::io::testing {

/// The bytes of a safetensors file with this header text (unpadded) and data region.
inline std::vector<uint8_t> file_bytes(const std::string& header, const std::vector<uint8_t>& data = {}) {
  std::vector<uint8_t> out;
  out.reserve(8 + header.size() + data.size());
  for (uint64_t n = header.size(), i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(n >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

/// `count` float32 values 0, 1, 2, ... as little-endian bytes.
inline std::vector<uint8_t> float_bytes(int count) {
  std::vector<uint8_t> out(static_cast<size_t>(count) * 4);
  for (int i = 0; i < count; ++i) {
    const float v = static_cast<float>(i);
    std::memcpy(out.data() + 4 * i, &v, 4);
  }
  return out;
}

/// A fresh directory for one test, removed at the end of it.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("minidl_nn_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace minidl::io::testing
