#pragma once
// Datasets whose samples say which index they are, so tests can check orders and coverage, and
// temporary data files.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "minidl/data.hpp"

namespace minidl::data::testing {

/// n samples of `width` features; sample i has features i, i + 0.5, ... and class i % classes.
inline TensorDataset indexed_dataset(int64_t n, int64_t width = 2, int64_t classes = 3) {
  std::vector<float> x(static_cast<size_t>(n * width));
  std::vector<int64_t> y(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < width; ++j) x[static_cast<size_t>(i * width + j)] = static_cast<float>(i) + 0.5f * j;
    y[static_cast<size_t>(i)] = i % classes;
  }
  return TensorDataset(Tensor::from(x, {n, width}), Tensor::from_int64(y, {n}));
}

/// n images [channels, height, width]; pixel k of sample i is i + k / 64, its class i % classes.
inline TensorDataset indexed_images(int64_t n, int64_t channels = 1, int64_t height = 4, int64_t width = 4,
                                    int64_t classes = 3) {
  const int64_t pixels = channels * height * width;
  std::vector<float> x(static_cast<size_t>(n * pixels));
  std::vector<int64_t> y(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t k = 0; k < pixels; ++k) x[static_cast<size_t>(i * pixels + k)] = static_cast<float>(i) + k / 64.0f;
    y[static_cast<size_t>(i)] = i % classes;
  }
  return TensorDataset(Tensor::from(x, {n, channels, height, width}), Tensor::from_int64(y, {n}));
}

/// The sample indices of a batch of indexed_dataset or indexed_images (its first feature).
inline std::vector<int64_t> sample_ids(const Batch& batch) {
  std::vector<int64_t> ids;
  for (int64_t r = 0; r < batch.features.size(0); ++r)
    ids.push_back(static_cast<int64_t>(batch.features.data<float>()[r * (batch.features.numel() / batch.features.size(0))]));
  return ids;
}

/// Every batch of one pass over `loader`, as sample ids.
inline std::vector<std::vector<int64_t>> one_epoch(DataLoader& loader) {
  std::vector<std::vector<int64_t>> batches;
  for (auto& batch : loader) batches.push_back(sample_ids(batch));
  return batches;
}

/// How a TempFile stores its bytes.
enum class Storage { Plain, Gzip };

/// A file in the temp directory holding `bytes` (gzip-compressed with zlib when asked), removed
/// when the test ends. Its name holds the test's name and `suffix`, so one test can make several.
class TempFile {
 public:
  TempFile(std::string_view bytes, const std::string& suffix, Storage storage = Storage::Plain) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (char& c : name)
      if (c == '/') c = '_';  // parameterised tests' names
    path_ = (std::filesystem::temp_directory_path() / ("minidl_" + name + "_" + std::to_string(::getpid()) + suffix))
                .string();
    if (storage == Storage::Plain) {
      std::ofstream(path_, std::ios::binary) << bytes;
      return;
    }
    gzFile out = gzopen(path_.c_str(), "wb");
    EXPECT_NE(out, nullptr) << path_;
    EXPECT_EQ(gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size())), static_cast<int>(bytes.size()));
    EXPECT_EQ(gzclose(out), Z_OK);
  }
  ~TempFile() { std::filesystem::remove(path_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace minidl::data::testing
