// Every way a safetensors file can be malformed is rejected with an IOError that names the
// file and the problem — never a crash, never a read outside the buffer.
#include <gtest/gtest.h>

#include <fstream>

#include "minidl/io/safetensors.hpp"
#include "safetensors_test_util.hpp"

namespace minidl::io {
namespace {

using testing::file_bytes;
using testing::float_bytes;

// Expects parse to throw an IOError whose message starts with the source and contains `part`.
void expect_rejected(const std::vector<uint8_t>& bytes, const std::string& part) {
  try {
    parse_safetensors(bytes, "model.safetensors");
    ADD_FAILURE() << "accepted a file that should fail with: " << part;
  } catch (const IOError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("model.safetensors: ", 0), 0u) << msg;
    EXPECT_NE(msg.find(part), std::string::npos) << "message: " << msg << "\nexpected part: " << part;
  }
}

std::string tensor(const std::string& name, const std::string& dtype, const std::string& shape,
                   const std::string& offsets) {
  return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
}

TEST(SafetensorsMalformed, FileShorterThanTheHeaderLength) {
  expect_rejected({1, 0, 0}, "file has 3 bytes, fewer than the 8-byte header length");
}

TEST(SafetensorsMalformed, HeaderLengthOverTheLimit) {
  std::vector<uint8_t> bytes = file_bytes("{}");
  const uint64_t huge = kSafetensorsMaxHeaderBytes + 1;
  std::memcpy(bytes.data(), &huge, 8);
  expect_rejected(bytes, "header length 100000001 exceeds the limit of 100000000 bytes");
  const uint64_t max = ~uint64_t{0};
  std::memcpy(bytes.data(), &max, 8);
  expect_rejected(bytes, "exceeds the limit");
  // Text read as safetensors: its first 8 bytes make a huge length, and the message says why.
  const std::string csv = "sepal_length,sepal_width\n5.1,3.5\n";
  expect_rejected(std::vector<uint8_t>(csv.begin(), csv.end()), "not a safetensors file");
}

TEST(SafetensorsMalformed, HeaderLengthPastTheEndOfTheFile) {
  std::vector<uint8_t> bytes = file_bytes("{}");
  const uint64_t n = 3;
  std::memcpy(bytes.data(), &n, 8);
  expect_rejected(bytes, "header length 3 exceeds the 2 bytes after it");
}

TEST(SafetensorsMalformed, HeaderThatIsNotJson) {
  expect_rejected(file_bytes("{\"a\": "), "header is not valid JSON");
  expect_rejected(file_bytes("{\"a\":\"\xff\"}"), "header is not valid JSON");  // not UTF-8
}

TEST(SafetensorsMalformed, HeaderThatIsNotAnObject) {
  expect_rejected(file_bytes("[1,2]   "), "header must be a JSON object, got array");
}

TEST(SafetensorsMalformed, EntryThatIsNotAnObject) {
  expect_rejected(file_bytes("{\"w\":[0,4]}"), "tensor \"w\": entry must be an object, got array");
}

TEST(SafetensorsMalformed, MissingFields) {
  expect_rejected(file_bytes("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", float_bytes(1)),
                  "tensor \"w\": missing string \"dtype\"");
  expect_rejected(file_bytes("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", float_bytes(1)),
                  "tensor \"w\": missing array \"shape\"");
  expect_rejected(file_bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", float_bytes(1)),
                  "tensor \"w\": \"data_offsets\" must be [begin, end]");
}

TEST(SafetensorsMalformed, UnknownAndUnsupportedDtypes) {
  expect_rejected(file_bytes("{" + tensor("w", "F99", "[1]", "[0,4]") + "}", float_bytes(1)),
                  "tensor \"w\": unknown dtype \"F99\"");
  expect_rejected(file_bytes("{" + tensor("h", "F16", "[2]", "[0,4]") + "}", float_bytes(1)),
                  "tensor \"h\": dtype F16 is not supported (minidl reads F32 and I64)");
}

// A file holding one F32 tensor "w" of this shape at these offsets, over 4 bytes of data.
std::vector<uint8_t> one_tensor(const std::string& shape, const std::string& offsets) {
  std::string header = "{";  // appended, not "{" + ...: GCC 12 warns falsely (-Wrestrict) on that
  header += tensor("w", "F32", shape, offsets);
  return file_bytes(header + "}", float_bytes(1));
}

TEST(SafetensorsMalformed, ShapeEntriesThatAreNotSizes) {
  // Sizes are integers that fit int64: not negative, not fractional, not written as floats.
  for (const auto& [shape, part] : std::vector<std::pair<std::string, std::string>>{
           {"[-1]", "shape entry -1 is not a non-negative integer"},
           {"[1.5]", "shape entry 1.5 is not a non-negative integer"},
           {"[1e0]", "shape entry 1.0 is not a non-negative integer"},
           {"[9223372036854775808]", "shape entry 9223372036854775808 is not a non-negative integer"},
           {"[[1]]", "shape entry (array) is not a non-negative integer"},
           {"[1,1,1,1,1,1,1,1,1]", "shape has 9 dims, more than the 8 minidl supports"}})
    expect_rejected(one_tensor(shape, "[0,4]"), part);
}

TEST(SafetensorsMalformed, DeeplyNestedHeader) {
  // Refused while parsing: building and printing a million nested arrays would cost memory and stack.
  const std::string deep = std::string(1000000, '[') + std::string(1000000, ']');
  expect_rejected(file_bytes("{" + tensor("w", "F32", deep, "[0,4]") + "}", float_bytes(1)),
                  "header nests deeper than 16 levels");
}

TEST(SafetensorsMalformed, ShapeWhoseSizeOverflows) {
  expect_rejected(
      file_bytes("{" + tensor("w", "F32", "[4611686018427387904,4611686018427387904]", "[0,4]") + "}", float_bytes(1)),
      "has more elements than can be addressed");
}

TEST(SafetensorsMalformed, ZeroSizeTensorWhoseStridesWouldOverflow) {
  // No bytes, so the offsets agree; but a tensor of this shape would need a stride of 2^124.
  expect_rejected(file_bytes("{" + tensor("w", "F32", "[0,4611686018427387904,4611686018427387904]", "[0,0]") + "}"),
                  "tensor \"w\": shape [0, 4611686018427387904, 4611686018427387904] has more elements than can be addressed");
  expect_rejected(file_bytes("{" + tensor("w", "I64", "[2305843009213693952]", "[0,0]") + "}"),
                  "has more elements than can be addressed");  // 2^61 int64s: 2^64 bytes
}

TEST(SafetensorsMalformed, NumbersBeyondDoubleAreRejectedNotThrownThrough) {
  // nlohmann throws out_of_range for these, which is no parse_error: it must still become an
  // IOError naming the file, wherever the number is.
  expect_rejected(one_tensor("[1e400]", "[0,4]"), "header holds a number out of range");
  expect_rejected(one_tensor("[1]", "[0,-1e400]"), "number out of range");
  expect_rejected(file_bytes("{\"note\":1e400}"), "number out of range");
  // A megabyte of digits is cut in the message, not echoed.
  const std::string digits = "1" + std::string(1 << 20, '0');
  try {
    parse_safetensors(file_bytes("{\"note\":" + digits + "}"), "model.safetensors");
    FAIL() << "accepted a number with a million digits";
  } catch (const IOError& e) {
    EXPECT_LT(std::string(e.what()).size(), 400u) << std::string(e.what()).substr(0, 400);
  }
}

TEST(SafetensorsMalformed, OffsetsThatAreNotNonNegativeIntegers) {
  for (const std::string offsets : {"[0,4.0]", "[-4,4]", "[0,\"4\"]"})
    expect_rejected(one_tensor("[1]", offsets), "\"data_offsets\" must be [begin, end] of non-negative integers");
}

TEST(SafetensorsMalformed, ShapeThatDisagreesWithTheOffsets) {
  expect_rejected(file_bytes("{" + tensor("w", "F32", "[2,3]", "[0,20]") + "}", float_bytes(5)),
                  "tensor \"w\": shape [2, 3] of F32 needs 24 bytes but data_offsets [0, 20] span 20");
}

TEST(SafetensorsMalformed, OffsetsOutOfRange) {
  expect_rejected(file_bytes("{" + tensor("w", "F32", "[2]", "[0,8]") + "}", float_bytes(1)),
                  "tensor \"w\": data_offsets [0, 8] lie outside the data region of 4 bytes");
  expect_rejected(file_bytes("{" + tensor("w", "F32", "[1]", "[18446744073709551612,18446744073709551616]") + "}",
                             float_bytes(1)),
                  "\"data_offsets\" must be [begin, end] of non-negative integers");
}

TEST(SafetensorsMalformed, OffsetsThatEndBeforeTheyBegin) {
  expect_rejected(file_bytes("{" + tensor("w", "F32", "[0]", "[4,0]") + "}", float_bytes(1)),
                  "data_offsets [4, 0] end before they begin");
}

TEST(SafetensorsMalformed, OverlappingTensors) {
  expect_rejected(file_bytes("{" + tensor("a", "F32", "[2]", "[0,8]") + "," + tensor("b", "F32", "[2]", "[4,12]") + "}",
                             float_bytes(3)),
                  "tensor \"b\": data_offsets [4, 12) overlap tensor \"a\" ending at 8");
}

TEST(SafetensorsMalformed, HolesBetweenTensors) {
  expect_rejected(file_bytes("{" + tensor("a", "F32", "[1]", "[0,4]") + "," + tensor("b", "F32", "[1]", "[8,12]") + "}",
                             float_bytes(3)),
                  "tensor \"b\": data begins at 8, leaving bytes [4, 8) unused");
  expect_rejected(file_bytes("{" + tensor("a", "F32", "[1]", "[4,8]") + "}", float_bytes(2)),
                  "leaving bytes [0, 4) unused");
}

TEST(SafetensorsMalformed, BytesAfterTheLastTensor) {
  expect_rejected(file_bytes("{" + tensor("a", "F32", "[1]", "[0,4]") + "}", float_bytes(2)),
                  "the tensors cover 4 bytes of a data region of 8 bytes");
}

TEST(SafetensorsMalformed, MetadataThatIsNotStringToString) {
  expect_rejected(file_bytes("{\"__metadata__\":[1]}"), "\"__metadata__\" must be an object, got array");
  expect_rejected(file_bytes("{\"__metadata__\":{\"epoch\":3}}"),
                  "\"__metadata__\" must map strings to strings, but \"epoch\" holds a number");
}

TEST(SafetensorsMalformed, AcceptsHeaderPaddingAndUnknownFields) {
  // Spaces after the JSON and fields it does not know are what other writers produce.
  StateDict f = parse_safetensors(
      file_bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"note\":1}}   ", float_bytes(2)));
  EXPECT_EQ(f.at("w").to_vector(), (std::vector<float>{0, 1}));
}

TEST(SafetensorsMalformed, MissingFileAndDirectoryNameThePath) {
  testing::ScratchDir dir;
  for (const auto& path : {dir / "absent.safetensors", dir.path()}) {
    try {
      load_safetensors(path);
      ADD_FAILURE() << "loaded " << path;
    } catch (const IOError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(path.string() + ": ", 0), 0u) << e.what();
    }
  }
}

TEST(SafetensorsMalformed, HostileHeaderOnDiskNamesThePath) {
  testing::ScratchDir dir;
  const auto path = dir / "hostile.safetensors";
  for (const std::string& header : {std::string("{\"w\":1e400}"),
                                    "{" + tensor("w", "F32", "[0,4611686018427387904,4611686018427387904]", "[0,0]") + "}"}) {
    const std::vector<uint8_t> bytes = file_bytes(header);
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(bytes.size()));
    try {
      load_safetensors(path);
      ADD_FAILURE() << "loaded " << header;
    } catch (const IOError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(path.string() + ": ", 0), 0u) << e.what();
    }
  }
}

TEST(SafetensorsMalformed, TruncatedFileOnDiskNamesThePath) {
  testing::ScratchDir dir;
  const auto path = dir / "truncated.safetensors";
  save_safetensors(path, {{"w", Tensor::ones({64})}});
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 1);
  try {
    load_safetensors(path);
    FAIL() << "loaded a truncated file";
  } catch (const IOError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string() + ": tensor \"w\""), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace minidl::io
