// IDX files (MNIST format): images and labels read plain or gzip-compressed, pixel values as
// torchvision's ToTensor gives them, and every malformed file reported with its name and what
// was expected; the real Fashion-MNIST when the Debian package is installed.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "data_test_helpers.hpp"
#include "minidl/data.hpp"
#include "minidl_test/errors.hpp"

namespace minidl::data {
namespace {

using testing::Storage;
using testing::TempFile;
using test::error_of;
using test::expect_mentions;

/// The bytes of an IDX file: magic 00 00 type dims, the sizes big-endian, then `data`.
std::string idx_bytes(const std::vector<uint32_t>& sizes, const std::vector<uint8_t>& data, uint8_t type = 0x08) {
  std::string bytes = {0, 0, static_cast<char>(type), static_cast<char>(sizes.size())};
  for (uint32_t s : sizes)
    for (int shift = 24; shift >= 0; shift -= 8) bytes += static_cast<char>((s >> shift) & 0xFF);
  bytes.append(data.begin(), data.end());
  return bytes;
}

/// n images of rows x cols whose pixel k (over the whole file) is (7 k) mod 256.
std::vector<uint8_t> pixels(uint32_t n, uint32_t rows, uint32_t cols) {
  std::vector<uint8_t> p(size_t{n} * rows * cols);
  for (size_t k = 0; k < p.size(); ++k) p[k] = static_cast<uint8_t>(7 * k % 256);
  return p;
}

class IdxStorage : public ::testing::TestWithParam<Storage> {};
INSTANTIATE_TEST_SUITE_P(PlainAndGzip, IdxStorage, ::testing::Values(Storage::Plain, Storage::Gzip),
                         [](const auto& info) { return info.param == Storage::Plain ? "Plain" : "Gzip"; });

TEST_P(IdxStorage, ImagesAreFloat32NByOneByRowsByColsOfPixelsOver255) {
  const std::vector<uint8_t> p = pixels(3, 2, 4);
  const TempFile file(idx_bytes({3, 2, 4}, p), "-images", GetParam());
  const Tensor images = read_idx_images(file.path());
  EXPECT_EQ(images.dtype(), DType::Float32);
  EXPECT_EQ(images.shape(), (Shape{3, 1, 2, 4}));
  const float* x = images.data<float>();
  for (size_t k = 0; k < p.size(); ++k) EXPECT_EQ(x[k], static_cast<float>(p[k]) / 255.0f) << "pixel " << k;
}

TEST_P(IdxStorage, LabelsAreInt64N) {
  const TempFile file(idx_bytes({5}, {9, 0, 0, 3, 255}), "-labels", GetParam());
  const Tensor labels = read_idx_labels(file.path());
  EXPECT_EQ(labels.dtype(), DType::Int64);
  EXPECT_EQ(labels.shape(), Shape{5});
  const int64_t* y = labels.data<int64_t>();
  EXPECT_EQ(std::vector<int64_t>(y, y + 5), (std::vector<int64_t>{9, 0, 0, 3, 255}));
}

TEST_P(IdxStorage, DatasetPairsImagesWithLabels) {
  const TempFile images(idx_bytes({4, 3, 3}, pixels(4, 3, 3)), "-images", GetParam());
  const TempFile labels(idx_bytes({4}, {1, 0, 2, 1}), "-labels", GetParam());
  const IdxDataset dataset(images.path(), labels.path());
  EXPECT_EQ(dataset.size(), 4);
  EXPECT_EQ(dataset.feature_shape(), (Shape{1, 3, 3}));
  EXPECT_EQ(dataset.task(), Task::Classification);
  EXPECT_EQ(dataset.num_classes(), 3);
  EXPECT_EQ(dataset.images_path(), images.path());
  const Batch batch = dataset.get(std::vector<int64_t>{2});
  EXPECT_EQ(batch.features.shape(), (Shape{1, 1, 3, 3}));
  EXPECT_EQ(batch.features.at({0, 0, 0, 0}), static_cast<float>(7 * 18 % 256) / 255.0f);
  EXPECT_EQ(batch.targets.data<int64_t>()[0], 2);
}

TEST(Idx, EveryByteValueIsTorchvisionsToTensorValue) {
  std::vector<uint8_t> all(256);
  for (size_t b = 0; b < all.size(); ++b) all[b] = static_cast<uint8_t>(b);
  const TempFile file(idx_bytes({1, 16, 16}, all), "-images");
  const Tensor images = read_idx_images(file.path());
  for (size_t b = 0; b < all.size(); ++b)
    EXPECT_EQ(images.data<float>()[b], static_cast<float>(b) / 255.0f) << "byte " << b;
  // torch.tensor([0, 128, 255], dtype=torch.uint8).float().div(255)
  EXPECT_EQ(images.data<float>()[0], 0.0f);
  EXPECT_EQ(images.data<float>()[128], 0.501960813999176f);
  EXPECT_EQ(images.data<float>()[255], 1.0f);
}

/// The IOError reading `path` as images throws.
std::string images_error(const std::string& path) { return error_of<IOError>([&] { read_idx_images(path); }); }
std::string labels_error(const std::string& path) { return error_of<IOError>([&] { read_idx_labels(path); }); }

TEST(Idx, MissingFileIsNamed) {
  const std::string path = "no/such/train-images-idx3-ubyte.gz";
  expect_mentions(images_error(path), {path, "cannot open"});
}

TEST(Idx, DirectoryIsNamed) {
  const std::string path = std::filesystem::temp_directory_path().string();
  expect_mentions(images_error(path), {path, "directory"});
}

TEST(Idx, EmptyFile) {
  const TempFile file("", "-images");
  expect_mentions(images_error(file.path()), {file.path(), "empty file", "0x00000803"});
}

TEST_P(IdxStorage, BadMagicNamesExpectedAndFound) {
  const TempFile file("x,y\n1,2\n", "-images", GetParam());
  expect_mentions(images_error(file.path()), {file.path(), "not an IDX file", "0x00000803", "0x782C790A"});
}

TEST_P(IdxStorage, WrongTypeCodeNamesTheType) {
  const TempFile file(idx_bytes({1, 1, 1}, {0, 0, 0, 0}, 0x0D), "-images", GetParam());
  expect_mentions(images_error(file.path()), {file.path(), "unsigned-byte", "0x0D", "float32"});
}

TEST_P(IdxStorage, LabelFileReadAsImagesSaysSo) {
  const TempFile file(idx_bytes({2}, {1, 2}), "-labels", GetParam());
  expect_mentions(images_error(file.path()), {file.path(), "expected 3 dimensions", "got 1", "a label file"});
  const TempFile images(idx_bytes({1, 1, 1}, {0}), "-images", GetParam());
  expect_mentions(labels_error(images.path()), {images.path(), "expected 1 dimension", "got 3", "an image file"});
}

TEST_P(IdxStorage, TruncatedHeader) {
  const TempFile file(idx_bytes({3, 2, 4}, {}).substr(0, 10), "-images", GetParam());
  expect_mentions(images_error(file.path()), {file.path(), "truncated header", "expected 12 bytes", "got 6"});
}

TEST_P(IdxStorage, TruncatedDataSaysHowMuchWasDeclaredAndFound) {
  std::vector<uint8_t> p = pixels(3, 2, 4);
  p.resize(20);
  const TempFile file(idx_bytes({3, 2, 4}, p), "-images", GetParam());
  expect_mentions(images_error(file.path()), {file.path(), "truncated data", "3 images of 2x4", "24 bytes", "20"});
}

TEST_P(IdxStorage, TrailingBytesAreAnError) {
  std::vector<uint8_t> p = pixels(3, 2, 4);
  p.insert(p.end(), 5, 0);
  const TempFile file(idx_bytes({3, 2, 4}, p), "-images", GetParam());
  expect_mentions(images_error(file.path()), {file.path(), "5 bytes after the 3 images of 2x4"});
  const TempFile labels(idx_bytes({2}, {1, 2, 3}), "-labels", GetParam());
  expect_mentions(labels_error(labels.path()), {labels.path(), "1 bytes after the 2 labels"});
}

TEST_P(IdxStorage, CountMismatchNamesBothFiles) {
  const TempFile images(idx_bytes({3, 2, 2}, pixels(3, 2, 2)), "-images", GetParam());
  const TempFile labels(idx_bytes({2}, {0, 1}), "-labels", GetParam());
  const std::string message = error_of<IOError>([&] { IdxDataset(images.path(), labels.path()); });
  expect_mentions(message, {images.path(), "3 images", labels.path(), "2 labels"});
}

TEST_P(IdxStorage, ADeclaredClassCountIsKeptAndALabelBeyondItNamesTheLabelFile) {
  const TempFile images(idx_bytes({3, 2, 2}, pixels(3, 2, 2)), "-images", GetParam());
  const TempFile labels(idx_bytes({3}, {0, 1, 1}), "-labels", GetParam());
  EXPECT_EQ(IdxDataset(images.path(), labels.path()).num_classes(), 2) << "inferred: the largest label + 1";
  EXPECT_EQ(IdxDataset(images.path(), labels.path(), 10).num_classes(), 10);
  const TempFile beyond(idx_bytes({3}, {0, 12, 1}), "-labels", GetParam());
  const std::string message = error_of<IOError>([&] { IdxDataset(images.path(), beyond.path(), 10); });
  expect_mentions(message, {beyond.path(), "label 12 of image 1", "10 classes"});
}

TEST_P(IdxStorage, AbsurdSizesFailBeforeAllocating) {
  const TempFile file(idx_bytes({0xFFFFFFFF, 0xFFFF, 0xFFFF}, {}), "-images", GetParam());
  expect_mentions(images_error(file.path()),
                  {file.path(), "4294967295 images of 65535x65535", "more than this machine's"});
  const TempFile labels(idx_bytes({0xFFFFFFFF}, {}), "-labels", GetParam());
  // 4 G labels fit in a large machine's memory; then the missing data is the error.
  const std::string message = labels_error(labels.path());
  EXPECT_TRUE(message.find("more than this machine's") != std::string::npos ||
              message.find("truncated data") != std::string::npos)
      << message;
}

TEST_P(IdxStorage, AHeaderDeclaringMoreThanTheFileCanHoldIsTruncatedData) {
  // 100000 images of 28x28 in a file of a few bytes: no gzip stream of that size inflates to
  // 78 MB, so the tensor is never allocated; the error says what the file holds.
  const TempFile file(idx_bytes({100000, 28, 28}, pixels(1, 2, 2)), "-images", GetParam());
  expect_mentions(images_error(file.path()), {file.path(), "truncated data", "100000 images of 28x28", "has 4"});
}

TEST_P(IdxStorage, ZeroSizesAreAnError) {
  const TempFile file(idx_bytes({2, 0, 28}, {}), "-images", GetParam());
  expect_mentions(images_error(file.path()), {file.path(), "2 images of 0x28", "nothing to read"});
  const TempFile labels(idx_bytes({0}, {}), "-labels", GetParam());
  expect_mentions(labels_error(labels.path()), {labels.path(), "0 labels"});
}

/// The bytes of a gzip-compressed image file of 4 images of 8x8.
std::string gzipped_images() {
  const TempFile file(idx_bytes({4, 8, 8}, pixels(4, 8, 8)), "-gzip", Storage::Gzip);
  std::ifstream in(file.path(), std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Idx, CorruptGzipDataIsAReadError) {
  std::string bytes = gzipped_images();
  for (size_t k = 12; k + 8 < bytes.size(); ++k) bytes[k] = static_cast<char>(~bytes[k]);  // body, not the trailer
  const TempFile file(bytes, "-images");
  expect_mentions(images_error(file.path()), {file.path(), "cannot read the IDX file (zlib: "});
}

TEST(Idx, CutGzipStreamIsTruncatedData) {
  const std::string bytes = gzipped_images();
  const TempFile file(bytes.substr(0, bytes.size() - 20), "-images");
  expect_mentions(images_error(file.path()), {file.path(), "truncated data", "gzip stream ends early"});
}

constexpr const char* kFashionMnist = "/usr/share/datasets/fashion-mnist";

TEST(FashionMnist, TrainingSetIs60000GreyImagesOf10Classes) {
  if (!std::filesystem::exists(kFashionMnist))
    GTEST_SKIP() << kFashionMnist << " is absent (`make deps` installs the Debian package dataset-fashion-mnist)";
  const std::string root = kFashionMnist;
  const IdxDataset train(root + "/train-images-idx3-ubyte.gz", root + "/train-labels-idx1-ubyte.gz");
  EXPECT_EQ(train.size(), 60000);
  EXPECT_EQ(train.features().shape(), (Shape{60000, 1, 28, 28}));
  EXPECT_EQ(train.num_classes(), 10);
  // The first labels as the file holds them (zcat train-labels-idx1-ubyte.gz | xxd): 9 0 0 3.
  const int64_t* y = train.targets().data<int64_t>();
  EXPECT_EQ(std::vector<int64_t>(y, y + 4), (std::vector<int64_t>{9, 0, 0, 3}));
  const float* x = train.features().data<float>();
  float lo = 1, hi = 0;
  for (int64_t k = 0; k < train.features().numel(); ++k) lo = std::min(lo, x[k]), hi = std::max(hi, x[k]);
  EXPECT_EQ(lo, 0.0f);
  EXPECT_EQ(hi, 1.0f);
}

}  // namespace
}  // namespace minidl::data
