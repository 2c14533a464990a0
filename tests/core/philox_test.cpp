// Philox4x32-10: the counter-based generator behind draws made in parallel (dropout masks).
#include <gtest/gtest.h>

#include <set>

#include "minidl/core/philox.hpp"

using namespace minidl;

using Words = std::array<uint32_t, 4>;

TEST(Philox, MatchesTheRandom123KnownAnswers) {
  // Random123's tests/kat_vectors, the three "philox4x32 10" lines: counter, key -> words.
  EXPECT_EQ(philox4x32(Words{0, 0, 0, 0}, {0, 0}), (Words{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  EXPECT_EQ(philox4x32(Words{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}),
            (Words{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  EXPECT_EQ(philox4x32(Words{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}),
            (Words{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(Philox, ABlockOfAStreamIsItsCounterUnderItsKey) {
  const uint64_t key = 0x299f31d0a4093822, block = 0x85a308d3243f6a88;
  EXPECT_EQ(philox4x32(key, block), philox4x32(Words{0x243f6a88, 0x85a308d3, 0, 0}, {0xa4093822, 0x299f31d0}));
}

TEST(Philox, NeighbouringBlocksAndKeysGiveUnrelatedWords) {
  std::set<uint32_t> seen;
  for (uint64_t key = 0; key < 4; ++key)
    for (uint64_t block = 0; block < 256; ++block)
      for (uint32_t word : philox4x32(key, block)) seen.insert(word);
  EXPECT_EQ(seen.size(), 4u * 256 * 4);  // 4096 words, no repeats
}

TEST(Philox, EightBlocksSideBySideAreEightBlocks) {
  // Including blocks whose counter carries into its second word.
  for (const uint64_t first : {uint64_t{0}, uint64_t{41}, (uint64_t{1} << 32) - 3}) {
    std::array<uint32_t, 32> words{};
    philox4x32_eight_blocks(0x0123456789abcdef, first, words);
    for (uint64_t b = 0; b < 8; ++b) {
      const Words one = philox4x32(0x0123456789abcdef, first + b);
      for (size_t j = 0; j < 4; ++j) EXPECT_EQ(words[4 * b + j], one[j]) << "block " << first + b << " word " << j;
    }
  }
}
