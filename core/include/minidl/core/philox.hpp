#pragma once
// Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as 1, 2, 3",
// SC 2011): random words as a pure function of a key and a counter. Element i of a draw takes
// counter i, so a tensor's random numbers can be made in parallel and are the same bits for any
// thread count, without the serial chain a stateful generator imposes.
#include <array>
#include <cstdint>

namespace minidl {

/// Four random 32-bit words for `counter` (a 128-bit counter as four words, low first) under
/// `key` (two words): the Random123 reference function philox4x32_R(10, counter, key).
inline std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> counter, std::array<uint32_t, 2> key) {
  constexpr uint64_t kMultiplier0 = 0xD2511F53, kMultiplier1 = 0xCD9E8D57;
  constexpr uint32_t kWeyl0 = 0x9E3779B9, kWeyl1 = 0xBB67AE85;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key[0] += kWeyl0;
      key[1] += kWeyl1;
    }
    const uint64_t product0 = kMultiplier0 * counter[0], product1 = kMultiplier1 * counter[2];
    counter = {static_cast<uint32_t>(product1 >> 32) ^ counter[1] ^ key[0], static_cast<uint32_t>(product1),
               static_cast<uint32_t>(product0 >> 32) ^ counter[3] ^ key[1], static_cast<uint32_t>(product0)};
  }
  return counter;
}

/// The four words of block `block` of the stream `key`: counter {block low, block high, 0, 0}.
inline std::array<uint32_t, 4> philox4x32(uint64_t key, uint64_t block) {
  return philox4x32({static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), 0, 0},
                    {static_cast<uint32_t>(key), static_cast<uint32_t>(key >> 32)});
}

/// Eight blocks side by side, `first` .. `first + 7` of the stream `key`, their words in order
/// (block first + b's four words at 4 * b): the same words as eight calls of philox4x32, with
/// each 32-bit word in a 64-bit lane of a vector, so one 64-bit vector multiply serves eight
/// blocks (GCC 12 leaves the scalar form's widening multiplies unvectorised).
inline void philox4x32_eight_blocks(uint64_t key, uint64_t first, std::array<uint32_t, 32>& words) {
  using Lanes = uint64_t __attribute__((vector_size(64)));
  constexpr uint64_t kLow = 0xFFFFFFFF;
  const Lanes blocks = Lanes{0, 1, 2, 3, 4, 5, 6, 7} + first;
  Lanes c0 = blocks & kLow, c1 = blocks >> 32, c2 = Lanes{} , c3 = Lanes{};
  uint64_t k0 = key & kLow, k1 = key >> 32;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k0 = (k0 + 0x9E3779B9) & kLow;
      k1 = (k1 + 0xBB67AE85) & kLow;
    }
    const Lanes product0 = c0 * 0xD2511F53, product1 = c2 * 0xCD9E8D57;
    const Lanes next0 = (product1 >> 32) ^ c1 ^ k0, next2 = (product0 >> 32) ^ c3 ^ k1;
    c1 = product1 & kLow;
    c3 = product0 & kLow;
    c0 = next0;
    c2 = next2;
  }
  for (int b = 0; b < 8; ++b) {
    words[4 * b] = static_cast<uint32_t>(c0[b]);
    words[4 * b + 1] = static_cast<uint32_t>(c1[b]);
    words[4 * b + 2] = static_cast<uint32_t>(c2[b]);
    words[4 * b + 3] = static_cast<uint32_t>(c3[b]);
  }
}

}  // namespace minidl
