#pragma once
// Internal to the image ops: d2l's 2x2 average pool (stride 2) of one pair of image rows, in
// vectors, the even and odd columns split by shuffles. avg_pool2d's forward and a convolution's
// fused pool share it, so both sum alike. Against the plain loop GCC vectorises, on pools of rows
// in cache (LeNet's first block with its pool inside the convolution): 1.82-1.85 -> 1.77-1.79 ms
// a batch, forward and backward; on avg_pool2d over activations in memory, the same.
#include <algorithm>
#include <cstdint>
#include <utility>

#include "lanes.hpp"

namespace minidl::image {

namespace detail {
// The lanes 2i + Parity of the pair of vectors (a, b) as one vector (__builtin_shufflevector, which
// GCC and clang both take, counts b's lanes after a's).
template <int Parity, size_t... I>
lanes::Lanes every_other(const lanes::Lanes& a, const lanes::Lanes& b, std::index_sequence<I...>) {
  return __builtin_shufflevector(a, b, static_cast<int>(2 * I + Parity)...);
}
}  // namespace detail

/// out[x] = ((((0 + r0[2x]) + r0[2x + 1]) + r1[2x]) + r1[2x + 1]) * scale for x < n: the sums in
/// the order of avg_pool2d's general loop, so the bits are the same. Reads nothing past r0[2n)
/// and r1[2n), writes nothing past out[n).
inline void average_pairs(const float* r0, const float* r1, int64_t n, float scale, float* out) {
  using lanes::kLanes;
  using lanes::Lanes;
  constexpr auto kAll = std::make_index_sequence<kLanes>{};
  const auto pooled = [&](Lanes a0, Lanes a1, Lanes b0, Lanes b1) {
    return ((((Lanes{} + detail::every_other<0>(a0, a1, kAll)) + detail::every_other<1>(a0, a1, kAll)) +
             detail::every_other<0>(b0, b1, kAll)) +
            detail::every_other<1>(b0, b1, kAll)) *
           scale;
  };
  int64_t x = 0;
  for (; x + kLanes <= n; x += kLanes) {
    const float* p0 = r0 + 2 * x;
    const float* p1 = r1 + 2 * x;
    lanes::store(out + x, pooled(lanes::load(p0), lanes::load(p0 + kLanes), lanes::load(p1), lanes::load(p1 + kLanes)));
  }
  if (const int64_t m = n - x; m > 0) {
    const int64_t first = std::min(2 * m, kLanes), second = 2 * m - first;
    const float* p0 = r0 + 2 * x;
    const float* p1 = r1 + 2 * x;
    lanes::store_first(out + x,
                       pooled(lanes::load_first(p0, first), lanes::load_first(p0 + kLanes, second),
                              lanes::load_first(p1, first), lanes::load_first(p1 + kLanes, second)),
                       m);
  }
}

}  // namespace minidl::image
