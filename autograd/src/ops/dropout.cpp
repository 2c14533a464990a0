// Dropout, its forward followed by its backward.
#include <algorithm>
#include <array>
#include <cmath>

#include "minidl/autograd/node.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/core/error.hpp"
#include "minidl/core/number_text.hpp"
#include "minidl/core/parallel.hpp"
#include "minidl/core/philox.hpp"

namespace minidl {

Variable dropout(const Variable& a, float p, uint64_t key) {
  if (!(p >= 0.0f && p <= 1.0f)) throw ValueError("dropout: p must be in [0, 1], got " + format_number(p));
  const Tensor x = a.data().contiguous();
  check_dtype(x, DType::Float32, "dropout");
  Tensor mask = Tensor::empty(x.shape());
  Tensor out = Tensor::empty(x.shape());
  // A word drops its element when its top 24 bits, as a fraction of 2^24, fall below p: the test
  // Generator::uniform() < p makes. In integers, so the loop below stays in vector registers.
  const auto drop_below = static_cast<uint32_t>(std::ceil(static_cast<double>(p) * 0x1.0p24));
  const float keep_scale = p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
  const float* xp = x.data<float>();
  float* mp = mask.data<float>();
  float* op = out.data<float>();
  const int64_t n = x.numel();
  // Element i takes word i % 4 of Philox block i / 4, drawn eight blocks at a time in vector
  // lanes. The keep test is a select, not a branch: at p = 0.5 a branch mispredicts every other
  // element.
  constexpr int64_t kBlocks = 8, kElements = 4 * kBlocks;
  parallel_for((n + kElements - 1) / kElements, kGrainSize / kElements, [=](int64_t first, int64_t last) {
    std::array<uint32_t, kElements> words;
    for (int64_t group = first; group < last; ++group) {
      const int64_t begin = group * kElements, count = std::min(kElements, n - begin);
      philox4x32_eight_blocks(key, static_cast<uint64_t>(group * kBlocks), words);
      for (int64_t j = 0; j < count; ++j) {
        const float m = static_cast<float>((words[j] >> 8) >= drop_below) * keep_scale;
        mp[begin + j] = m;
        op[begin + j] = xp[begin + j] * m;
      }
    }
  });
  return record("Dropout", out, {&a}, [mask](const Tensor& g, std::span<Tensor> gi, const Node&) {
    gi[0] = minidl::mul(g, mask);
  });
}

}  // namespace minidl
