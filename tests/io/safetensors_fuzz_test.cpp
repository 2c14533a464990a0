// Randomly mutated files must either load or throw minidl::Error: never crash, hang or read
// outside the buffer (this suite runs under AddressSanitizer in CI).
#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "minidl/io/safetensors.hpp"

namespace minidl::io {
namespace {

std::vector<uint8_t> seed_file() {
  Generator gen(7);
  StateDict state{{"layer.weight", Tensor::normal({3, 4}, 0, 1, gen)},
                  {"layer.bias", Tensor::from({1, 2, 3})},
                  {"step", Tensor::from_int64({5, 6})},
                  {"empty", Tensor::zeros({0})}};
  state.metadata = {{"format", "pt"}};
  return serialize_safetensors(state);
}

uint64_t header_length(const std::vector<uint8_t>& bytes) {
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  return n;
}

// One random edit of the kinds a corrupted or hostile file shows.
void mutate(std::vector<uint8_t>& bytes, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % std::max<size_t>(n, 1)); };
  const size_t header_end = std::min<size_t>(bytes.size(), 8 + header_length(bytes));
  static constexpr char kJsonish[] = "{}[]\":,0123456789-.eE \\tfnu";
  switch (rng() % 7) {
    case 0:  // flip bits anywhere
      bytes[pick(bytes.size())] ^= static_cast<uint8_t>(1u << (rng() % 8));
      break;
    case 1:  // a JSON-significant character inside the header
      if (header_end > 8) bytes[8 + pick(header_end - 8)] = static_cast<uint8_t>(kJsonish[pick(sizeof kJsonish - 1)]);
      break;
    case 2:  // a digit inside the header becomes another digit (offsets, shapes)
      for (int tries = 0; tries < 64 && header_end > 8; ++tries) {
        uint8_t& c = bytes[8 + pick(header_end - 8)];
        if (c >= '0' && c <= '9') {
          c = static_cast<uint8_t>('0' + rng() % 10);
          break;
        }
      }
      break;
    case 3: {  // a random header length, small or huge
      const uint64_t n = rng() % 2 ? rng() : rng() % (bytes.size() + 16);
      std::memcpy(bytes.data(), &n, 8);
      break;
    }
    case 4:  // truncate
      bytes.resize(pick(bytes.size() + 1));
      break;
    case 5:  // extend with garbage
      for (size_t i = 0, n = 1 + pick(16); i < n; ++i) bytes.push_back(static_cast<uint8_t>(rng()));
      break;
    case 6:  // delete a run of bytes from the middle
      if (bytes.size() > 2) {
        const size_t at = pick(bytes.size() - 1);
        bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                    bytes.begin() + static_cast<std::ptrdiff_t>(std::min(bytes.size(), at + 1 + pick(8))));
      }
      break;
  }
}

TEST(SafetensorsFuzz, MutatedFilesLoadOrThrowMinidlErrors) {
  const std::vector<uint8_t> original = seed_file();
  std::mt19937_64 rng(20240601);
  int loaded = 0, rejected = 0;
  for (int iteration = 0; iteration < 4000; ++iteration) {
    std::vector<uint8_t> bytes = original;
    for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0 && bytes.size() >= 8; --edits) mutate(bytes, rng);
    // An exactly sized copy, so that any over-read is outside the allocation.
    const std::vector<uint8_t> exact(bytes.begin(), bytes.end());
    try {
      StateDict f = parse_safetensors(exact, "fuzz");
      for (const auto& [name, t] : f) ASSERT_TRUE(t.defined()) << name;
      ++loaded;
    } catch (const Error&) {
      ++rejected;
    }
  }
  // Both outcomes occur, so the loop exercises the parser's paths and not one early exit.
  EXPECT_GT(loaded, 100);
  EXPECT_GT(rejected, 1000);
}

}  // namespace
}  // namespace minidl::io
