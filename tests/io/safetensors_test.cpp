// The safetensors reader and writer: round trips, the exact bytes written, and the two
// files written from PyTorch in tests/reference/.
#include "minidl/io/safetensors.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "minidl/core/elementwise.hpp"
#include "safetensors_test_util.hpp"

namespace minidl::io {
namespace {

using testing::ScratchDir;

std::vector<uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string header_text(const std::vector<uint8_t>& file) {
  uint64_t n = 0;
  std::memcpy(&n, file.data(), 8);
  return {reinterpret_cast<const char*>(file.data() + 8), n};
}

TEST(Safetensors, RoundTripsFloatAndInt64TensorsWithMetadata) {
  StateDict tensors{{"w", Tensor::from({{1, 2, 3}, {4, 5, 6}})},
                    {"scalar", Tensor::scalar(-2.5f)},
                    {"step", Tensor::from_int64({7, -1, 1LL << 40})},
                    {"empty", Tensor::zeros({0, 3})}};
  tensors.metadata = {{"epoch", "3"}};
  StateDict back = parse_safetensors(serialize_safetensors(tensors));

  EXPECT_EQ(back.metadata, (Metadata{{"epoch", "3"}}));
  ASSERT_EQ(back.size(), 4u);
  for (const auto& [name, value] : tensors) EXPECT_TRUE(equal(back.at(name), value)) << name;
  EXPECT_EQ(back.at("scalar").dim(), 0);
  EXPECT_EQ(back.at("step").dtype(), DType::Int64);
}

TEST(Safetensors, WritesNonContiguousViewsInRowMajorOrder) {
  Tensor t = Tensor::from({{1, 2, 3}, {4, 5, 6}}).t();  // [[1, 4], [2, 5], [3, 6]]
  StateDict back = parse_safetensors(serialize_safetensors({{"t", t}}));
  EXPECT_EQ(back.at("t").to_vector(), (std::vector<float>{1, 4, 2, 5, 3, 6}));
}

// The layout of the Python library (safetensors.torch.save_file): "__metadata__" first, then
// tensors sorted by dtype (8-byte types first) and name, compact JSON padded with spaces.
TEST(Safetensors, WritesTheBytesThePythonLibraryWrites) {
  StateDict tensors{{"weight", Tensor::from({{1, 2}, {3, 4}, {5, 6}})},
                    {"bias", Tensor::from({0.5f, -0.5f, 0.25f})},
                    {"count", Tensor::from_int64({3})}};
  tensors.metadata = {{"format", "pt"}};
  std::vector<uint8_t> bytes = serialize_safetensors(tensors);

  const std::string expected =
      R"({"__metadata__":{"format":"pt"},)"
      R"("count":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},)"
      R"("bias":{"dtype":"F32","shape":[3],"data_offsets":[8,20]},)"
      R"("weight":{"dtype":"F32","shape":[3,2],"data_offsets":[20,44]}})";
  const std::string header = header_text(bytes);
  EXPECT_EQ(header.size() % 8, 0u);
  EXPECT_EQ(header.substr(0, expected.size()), expected);
  EXPECT_EQ(header.find_first_not_of(' ', expected.size()), std::string::npos);
  EXPECT_EQ(bytes.size(), 8 + header.size() + 44);

  const uint8_t* data = bytes.data() + 8 + header.size();
  int64_t count = 0;
  std::memcpy(&count, data, 8);
  EXPECT_EQ(count, 3);
  float first_weight = 0;
  std::memcpy(&first_weight, data + 20, 4);
  EXPECT_EQ(first_weight, 1.0f);
}

TEST(Safetensors, OmitsEmptyMetadataAndWritesAnEmptyFile) {
  std::vector<uint8_t> bytes = serialize_safetensors({});
  EXPECT_EQ(header_text(bytes), "{}      ");
  EXPECT_TRUE(parse_safetensors(bytes).empty());
}

TEST(Safetensors, ResavingWhatWasLoadedGivesTheSameBytes) {
  Generator gen(1);
  StateDict tensors{{"b.weight", Tensor::normal({17, 5}, 0, 1, gen)},
                    {"a.bias", Tensor::uniform({17}, -1, 1, gen)},
                    {"state.step", Tensor::from_int64({12})}};
  ScratchDir dir;
  tensors.metadata = {{"format", "pt"}, {"by", "minidl"}};
  save_safetensors(dir / "first.safetensors", tensors);
  save_safetensors(dir / "second.safetensors", load_safetensors(dir / "first.safetensors"));
  EXPECT_EQ(read_bytes(dir / "first.safetensors"), read_bytes(dir / "second.safetensors"));
}

TEST(Safetensors, SaveReplacesAnExistingFileAndLeavesNoTemporaryFiles) {
  ScratchDir dir;
  const auto path = dir / "model.safetensors";
  save_safetensors(path, {{"x", Tensor::ones({1000})}});
  save_safetensors(path, {{"x", Tensor::from({42})}});
  EXPECT_EQ(load_safetensors(path).at("x").to_vector(), std::vector<float>{42});
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::others_read);
}

TEST(Safetensors, SaveIntoAMissingDirectoryNamesThePath) {
  ScratchDir dir;
  const auto path = dir / "no_such_dir" / "model.safetensors";
  try {
    save_safetensors(path, {{"x", Tensor::ones({2})}});
    FAIL() << "expected IOError";
  } catch (const IOError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
}

TEST(Safetensors, RejectsTheReservedNameAndUndefinedTensors) {
  EXPECT_THROW(serialize_safetensors({{"__metadata__", Tensor::ones({1})}}), ValueError);
  EXPECT_THROW(serialize_safetensors({{"x", Tensor()}}), ValueError);
}

// Written by PyTorch: weight [[1, 2], [3, 4], [5, 6]], bias [0.5, -0.5, 0.25].
TEST(SafetensorsReference, Linear2To3LoadsWithExactValues) {
  StateDict file = load_safetensors("tests/reference/linear_2to3.safetensors");
  EXPECT_EQ(file.names(), (std::vector<std::string>{"weight", "bias"}));  // file order
  EXPECT_EQ(file.at("weight").shape(), (Shape{3, 2}));
  EXPECT_EQ(file.at("weight").to_vector(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(file.at("bias").to_vector(), (std::vector<float>{0.5f, -0.5f, 0.25f}));
  EXPECT_EQ(file.metadata, (Metadata{{"format", "pt"}}));
}

// A PyTorch-initialised Linear(64,128)-ReLU-Linear(128,10); the .json beside it holds each
// tensor's shape, sum and first values as PyTorch computed them.
TEST(SafetensorsReference, TorchInitialisedMlpMatchesItsDescription) {
  StateDict file = load_safetensors("tests/reference/mlp_64_128_10_torch_init.safetensors");
  std::ifstream json_file("tests/reference/mlp_64_128_10_torch_init.json");
  const auto expected = nlohmann::json::parse(json_file);

  ASSERT_EQ(file.size(), expected.size());
  for (const auto& [name, info] : expected.items()) {
    SCOPED_TRACE(name);
    const Tensor& t = file.at(name);
    EXPECT_EQ(t.shape().to_vector(), info["shape"].get<std::vector<int64_t>>());
    const std::vector<float> values = t.to_vector();
    double sum = 0;
    for (float v : values) sum += v;
    // Both sums add the same float32 values in double precision, in file order.
    EXPECT_NEAR(sum, info["sum"].get<double>(), 1e-9);
    const auto first = info["first"].get<std::vector<double>>();
    for (size_t i = 0; i < first.size(); ++i) EXPECT_EQ(values[i], static_cast<float>(first[i])) << i;
  }
}

}  // namespace
}  // namespace minidl::io
