// conv2d's input gradient with one sample per vector lane. dx is the full correlation of the
// output gradient with the kernel: dx[c, Y, X] = the sum over o, ki, kj of w[o, c, ki, kj] times
// go[o, Y + ph - ki, X + pw - kj], go zero outside its plane. For LeNet's second layer (16 x 10 x
// 10 -> 6 x 14 x 14, 5x5 kernels) that is 240000 products a sample. With an image row in a vector
// (image_rows_grad) an FMA holds 14 of them, fewer near the row's ends, where the shifted gradient
// row reads the zeros around the plane: 24000 16-lane FMAs a sample. With samples in the lanes no
// lane is wasted: 15000. The price is a transpose of the gradient in and of dx out.
#include "conv_sample_lanes.hpp"

#include <algorithm>
#include <vector>

#include "lanes.hpp"
#include "minidl/core/parallel.hpp"

namespace minidl::conv {

namespace {

using namespace lanes;

constexpr int64_t kMaxKernelWidth = 5;
constexpr int64_t kFloatBytes = sizeof(float);
// Image columns whose sums stay in registers, beside a kernel row's weights and one gradient
// vector. (Two image rows a pass, each gradient vector meeting both, measured no faster.)
constexpr int64_t kMaxRun = kRegisters - kMaxKernelWidth - 1;

// How an image row is cut into runs of equal length, at most kMaxRun columns each.
struct Runs {
  int64_t count, length;
  explicit Runs(int64_t width) : count((width + kMaxRun - 1) / kMaxRun), length((width + count - 1) / count) {}
};

// The output gradient of kLanes samples as [O][out_h][wide] vectors, sample s in lane s: column
// xx of a plane row at index kw - 1 + xx, zeros before it and past the row, so that a run's
// shifted reads need no bounds. The zeros are written once; later chunks overwrite only the rows.
struct SampleRows {
  int64_t wide, size;
  std::vector<float> values;

  // The rows, zeroed.
  SampleRows(const ConvGeometry& g, const Runs& runs)
      : wide(row_width(g, runs)), size(bytes(g, runs) / kFloatBytes), values(static_cast<size_t>(size), 0.0f) {}

  // The vectors a row holds: the zeros before it, its columns and the zeros the last run reads past it.
  static int64_t row_width(const ConvGeometry& g, const Runs& runs) {
    return std::max(g.kw - 1 + g.out_w, runs.count * runs.length + g.padding[1] + g.kw - 1);
  }
  // The bytes the rows of kLanes samples take.
  static int64_t bytes(const ConvGeometry& g, const Runs& runs) {
    return g.out_channels * g.out_h * row_width(g, runs) * kLanes * kFloatBytes;
  }

  // Row yy of plane o, from the column that a run starting at image column x0 reads first.
  const float* run_start(const ConvGeometry& g, int64_t o, int64_t yy, int64_t x0) const {
    return values.data() + ((o * g.out_h + yy) * wide + x0 + g.padding[1]) * kLanes;
  }

  // Samples [n0, n0 + count) of go, before the activation A, into their lanes. The lanes past
  // `count` keep an earlier chunk's values: lanes never mix, and their sums are not stored.
  // Without a pool, element by element straight from go; with one, each sample's row spread out
  // by row_before_activation into `block` (kLanes rows of out_w), then taken a column at a time.
  // (Through `block` without a pool too, the masked store of each row's tail held up the reads
  // that followed it: the fill took twice as long.)
  template <Activation A>
  void fill(const ConvGeometry& g, const OutputGrad& go, int64_t n0, int64_t count, std::vector<float>& block) {
    const int64_t w = g.out_w;
    if (go.pool == 1) {
      const int64_t plane = g.out_h * w, stride = g.out_channels * plane;
      for (int64_t o = 0; o < g.out_channels; ++o)
        for (int64_t y = 0; y < g.out_h; ++y) {
          const int64_t first = (n0 * g.out_channels + o) * plane + y * w;
          float* dst = values.data() + ((o * g.out_h + y) * wide + g.kw - 1) * kLanes;
          for (int64_t x = 0; x < w; ++x)
            for (int64_t s = 0; s < count; ++s) dst[x * kLanes + s] = go.before_activation<A>(first + s * stride + x);
        }
      return;
    }
    for (int64_t o = 0; o < g.out_channels; ++o)
      for (int64_t y = 0; y < g.out_h; ++y) {
        for (int64_t s = 0; s < count; ++s)
          go.row_before_activation<A>((n0 + s) * g.out_channels + o, y, 0, w, block.data() + s * w);
        float* dst = values.data() + ((o * g.out_h + y) * wide + g.kw - 1) * kLanes;
        const float* b = block.data();
        for (int64_t x = 0; x < w; ++x)
          for (int64_t s = 0; s < kLanes; ++s) dst[x * kLanes + s] = b[s * w + x];
      }
  }
};

// The weights as [C][O][kh][KW], each kernel row reversed: tap j of a row is w[o, c, ki, KW-1-j],
// the order in which a run's sliding reads meet them.
std::vector<float> reversed_rows(const ConvGeometry& g, const Tensor& weight) {
  std::vector<float> r(static_cast<size_t>(g.channels * g.out_channels * g.kh * g.kw));
  const float* w = weight.data<float>();
  for (int64_t c = 0; c < g.channels; ++c)
    for (int64_t o = 0; o < g.out_channels; ++o)
      for (int64_t ki = 0; ki < g.kh; ++ki)
        for (int64_t j = 0; j < g.kw; ++j)
          r[static_cast<size_t>(((c * g.out_channels + o) * g.kh + ki) * g.kw + j)] =
              w[((o * g.channels + c) * g.kh + ki) * g.kw + g.kw - 1 - j];
  return r;
}

// acc[p] += output channel o's terms of dx[c, y, x0 + p] for every sample in the lanes, p < P.
// Per kernel row: KW broadcast weights, then each of the P + KW - 1 gradient vectors the run
// reads is loaded once and meets the KW sums it reaches (kj descending).
template <int64_t P, int64_t KW>
void add_channel_terms(const ConvGeometry& g, const float* reversed, const SampleRows& rows, int64_t c, int64_t o,
                       int64_t y, int64_t x0, Lanes (&acc)[P]) {
  // Gradient rows yy = y + ph - ki inside the plane.
  const int64_t ki_begin = std::max<int64_t>(0, y + g.padding[0] - g.out_h + 1);
  const int64_t ki_end = std::min(g.kh, y + g.padding[0] + 1);
  for (int64_t ki = ki_begin; ki < ki_end; ++ki) {
    const float* w = reversed + ((c * g.out_channels + o) * g.kh + ki) * KW;
    Lanes wv[KW];
    for (int64_t j = 0; j < KW; ++j) wv[j] = w[j] - Lanes{};  // a broadcast (x + 0 would not fold: -0 + 0 is +0)
    const float* row = rows.run_start(g, o, y + g.padding[0] - ki, x0);
#pragma GCC unroll 64
    for (int64_t i = 0; i < P + KW - 1; ++i) {
      const Lanes v = load_once(row + i * kLanes);
#pragma GCC unroll 8
      for (int64_t j = 0; j < KW; ++j)
        if (i - j >= 0 && i - j < P) acc[i - j] += wv[j] * v;
    }
  }
}

// dx of samples [n0, n0 + count) from their gradient rows: each run's sums in registers over
// every output channel (by o, ki, then kj descending: the same order for every sample), then
// lane s of each copied out to sample n0 + s.
template <int64_t P, int64_t KW>
void chunk_input_grad(const ConvGeometry& g, const float* reversed, const SampleRows& rows, int64_t count, float* dx) {
  const int64_t sample = g.sample_size();
  for (int64_t c = 0; c < g.channels; ++c)
    for (int64_t y = 0; y < g.height; ++y)
      for (int64_t x0 = 0; x0 < g.width; x0 += P) {
        Lanes acc[P] = {};
        for (int64_t o = 0; o < g.out_channels; ++o) add_channel_terms<P, KW>(g, reversed, rows, c, o, y, x0, acc);
        float lanes[P * kLanes];
        for (int64_t p = 0; p < P; ++p) store(lanes + p * kLanes, acc[p]);
        const int64_t valid = std::min(P, g.width - x0);
        float* d = dx + (c * g.height + y) * g.width + x0;
        for (int64_t s = 0; s < count; ++s, d += sample)
          for (int64_t p = 0; p < valid; ++p) d[p] = lanes[p * kLanes + s];
      }
}

template <Activation A>
Tensor input_grad(const ConvGeometry& g, const Tensor& weight, const OutputGrad& go) {
  Tensor dx = Tensor::empty({g.batch, g.channels, g.height, g.width});
  const std::vector<float> reversed = reversed_rows(g, weight);
  const Runs runs(g.width);
  float* dp = dx.data<float>();
  // Over groups of kLanes samples, the buffers made once per range of groups.
  parallel_for((g.batch + kLanes - 1) / kLanes, 1, [&](int64_t first, int64_t last) {
    SampleRows rows(g, runs);
    std::vector<float> block(static_cast<size_t>(kLanes * g.out_w));
    for (int64_t n0 = first * kLanes; n0 < std::min(g.batch, last * kLanes); n0 += kLanes) {
      const int64_t count = std::min(kLanes, g.batch - n0);
      rows.fill<A>(g, go, n0, count, block);
      with_constant<kMaxRun>(runs.length, [&](auto run) {
        const auto compute = [&](auto kw) {
          chunk_input_grad<run(), kw()>(g, reversed.data(), rows, count, dp + n0 * g.sample_size());
        };
        if (g.kw == 5) compute(std::integral_constant<int64_t, 5>{});
        else compute(std::integral_constant<int64_t, 3>{});
      });
    }
  });
  return dx;
}

}  // namespace

bool sample_lanes_fit(const ConvGeometry& g) {
  if (g.stride != Pair{1, 1} || g.dilation != Pair{1, 1} || g.groups != 1 || (g.kw != 3 && g.kw != 5)) return false;
  // The gradient rows of kLanes samples stay within a core's L2 (LeNet's: 184 kB), where they
  // were measured; a bigger image's would be read from memory C x kh times over.
  constexpr int64_t kMaxRowBytes = int64_t{1} << 20;
  return SampleRows::bytes(g, Runs(g.width)) <= kMaxRowBytes;
}

Tensor sample_lanes_input_grad(const ConvGeometry& g, const Tensor& weight, const OutputGrad& go) {
  Tensor dx;
  with_activation(go.activation, [&](auto a) { dx = input_grad<a()>(g, weight, go); });
  return dx;
}

}  // namespace minidl::conv
