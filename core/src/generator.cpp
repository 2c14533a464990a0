#include "minidl/core/generator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "minidl/core/error.hpp"
#include "minidl/core/parallel.hpp"

namespace minidl {

// PCG32 seeding as in the reference implementation (pcg32_srandom_r).
Generator::Generator(uint64_t seed, uint64_t stream) : inc_((stream << 1u) | 1u) {
  next_u32();
  state_ += seed;
  next_u32();
}

uint32_t Generator::next_u32() {
  const uint64_t old = state_;
  state_ = old * 6364136223846793005ULL + inc_;
  const auto xorshifted = static_cast<uint32_t>(((old >> 18u) ^ old) >> 27u);
  const auto rot = static_cast<uint32_t>(old >> 59u);
  return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

uint64_t Generator::next_u64() {
  const uint64_t hi = next_u32();
  return (hi << 32) | next_u32();
}

float Generator::uniform() { return static_cast<float>(next_u32() >> 8) * 0x1.0p-24f; }

uint64_t Generator::below(uint64_t n) {
  if (n == 0) throw ValueError("Generator::below: n must be positive, got 0");
  // Lemire's rejection keeps the distribution exact.
  const uint64_t threshold = (-n) % n;
  for (;;) {
    const uint64_t r = next_u64();
    if (r >= threshold) return r % n;
  }
}

namespace {

struct NormalPair {
  float first, second;
};

// Box-Muller on two consecutive outputs of the generator: the pair normal() hands out.
NormalPair box_muller(uint32_t a, uint32_t b) {
  // u1 in (0, 1] so log(u1) is finite.
  const double u1 = (static_cast<double>(a >> 8) + 1.0) * 0x1.0p-24;
  const double u2 = static_cast<double>(b >> 8) * 0x1.0p-24;
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  return {static_cast<float>(r * std::cos(theta)), static_cast<float>(r * std::sin(theta))};
}

}  // namespace

float Generator::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const uint32_t a = next_u32();
  const NormalPair pair = box_muller(a, next_u32());
  spare_ = pair.second;
  has_spare_ = true;
  return pair.first;
}

void Generator::fill_normal(std::span<float> out, float mean, float std) {
  size_t i = 0;
  if (has_spare_ && !out.empty()) out[i++] = mean + std * normal();
  // Blocks of pairs: their uniforms drawn in order (a few ns each), then transformed in parallel.
  constexpr size_t kBlockPairs = size_t{1} << 15;
  std::vector<uint32_t> words(2 * std::min(kBlockPairs, (out.size() - i) / 2));  // a layer's init: a few KiB
  while (out.size() - i >= 2) {
    const size_t pairs = std::min(kBlockPairs, (out.size() - i) / 2);
    for (size_t k = 0; k < 2 * pairs; ++k) words[k] = next_u32();
    float* block = out.data() + i;
    const uint32_t* w = words.data();
    parallel_for(static_cast<int64_t>(pairs), 2048, [=](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k) {
        const NormalPair pair = box_muller(w[2 * k], w[2 * k + 1]);
        block[2 * k] = mean + std * pair.first;
        block[2 * k + 1] = mean + std * pair.second;
      }
    });
    i += 2 * pairs;
  }
  if (i < out.size()) out[i] = mean + std * normal();  // leaves the pair's second as the spare
}

void Generator::set_state(const State& s) {
  state_ = s.state;
  inc_ = s.inc;
  has_spare_ = s.has_spare;
  spare_ = s.spare;
}

}  // namespace minidl
