// conv2d as direct loops for layers with few channels (LeNet's second: 6 -> 16 channels, 5x5,
// on 14x14; ResNet's 3x3 layers of 16 and 32 channels with AVX-512). As GEMMs its products are 16x150 @ 150x100 per sample and smaller: im2col writes
// columns that sgemm then packs again, and sgemm's blocking is made for bigger matrices.
// - Forward: a pass keeps a few positions of one output row x every output channel (one to four
//   vectors) in registers and reads the pixels by broadcast, one tap at a time.
// - Weight gradient: a pass keeps a few taps x every output channel, summed over a sample's
//   positions.
// - Input gradient, kernels 3 or 5 wide: several samples at once, one per vector lane
//   (conv_sample_lanes.cpp). Other widths:
// - Input gradient, image rows that fit one vector: each image row of every channel summed in
//   registers from shifted rows of the output gradient.
// - Input gradient, wider rows: the columns' gradient weight^T @ grad (a reduction over the
//   output channels only) in registers, 6 taps x 16 positions a pass (24 x 16 with AVX-512), then
//   back to the image row by row while it is in cache.
#include "conv_channels.hpp"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "conv_columns.hpp"
#include "conv_sample_lanes.hpp"
#include "lanes.hpp"
#include "minidl/core/parallel.hpp"

namespace minidl::conv {

namespace {

using namespace lanes;
// Vector registers holding sums in a pass; the others hold the weights and a broadcast pixel.
constexpr int64_t kAccumulators = kRegisters == 32 ? 24 : 12;

int64_t vectors_for(int64_t channels) { return (channels + kLanes - 1) / kLanes; }

// Vectors of output channels a pass keeps: with 32 registers, up to 4 (64 channels).
constexpr int64_t kMaxVectors = kRegisters == 32 ? 4 : 2;

// Calls f(integral_constant<V>) for the vectors that hold `channels` channels (1 to kMaxVectors).
template <class F>
void with_vectors(int64_t channels, F&& f) {
  switch (vectors_for(channels)) {
    case 1: return f(std::integral_constant<int64_t, 1>{});
    case 2: return f(std::integral_constant<int64_t, 2>{});
    case 3: if constexpr (kMaxVectors >= 3) return f(std::integral_constant<int64_t, 3>{});
    [[fallthrough]];
    default: if constexpr (kMaxVectors >= 4) return f(std::integral_constant<int64_t, 4>{});
  }
}

// Offsets into a zero-padded sample [C, Hp, Wp]: of each tap (c, ki, kj) from a window's
// corner, and of each output position's window corner.
struct Offsets {
  std::vector<int64_t> taps, corners;

  explicit Offsets(const ConvGeometry& g) {
    const int64_t hp = padded_h(g), wp = padded_w(g);
    for (int64_t c = 0; c < g.channels; ++c)
      for (int64_t ki = 0; ki < g.kh; ++ki)
        for (int64_t kj = 0; kj < g.kw; ++kj) taps.push_back((c * hp + ki) * wp + kj);
    for (int64_t y = 0; y < g.out_h; ++y)
      for (int64_t x = 0; x < g.out_w; ++x) corners.push_back(y * wp + x);
  }
};

// weight [O, K] as [K, width]: each tap's weights for every output channel, zero past O.
std::vector<float> taps_major(const float* weight, int64_t out_channels, int64_t taps, int64_t width) {
  std::vector<float> t(static_cast<size_t>(taps * width), 0.0f);
  for (int64_t o = 0; o < out_channels; ++o)
    for (int64_t k = 0; k < taps; ++k) t[static_cast<size_t>(k * width + o)] = weight[o * taps + k];
  return t;
}

// acc[p] += kernel row (c, ki)'s taps at positions p < P of one run, with one vector of channels:
// sliding along the input row, each pixel is broadcast once for the KW taps that read it, where
// the loop by taps broadcast it KW times (and waited on those loads). The same sums in the same
// order: for each p, the taps kj = i - p come in ascending order.
template <int64_t P, int64_t KW>
void slide_kernel_row(const float* row, const float* w, Lanes (&acc)[P][1]) {
  Lanes wv[KW];
  for (int64_t kj = 0; kj < KW; ++kj) wv[kj] = load_once(w + kj * kLanes);
#pragma GCC unroll 64
  for (int64_t i = 0; i < P + KW - 1; ++i) {
    const float s = row[i];
#pragma GCC unroll 8
    for (int64_t kj = 0; kj < KW; ++kj)
      if (i - kj >= 0 && i - kj < P) acc[i - kj][0] += s * wv[kj];
  }
}

// Whether a run of P positions with one vector of channels slides along kernel rows of KW taps:
// its sums, the KW weight vectors and a broadcast pixel must fit the registers.
template <int64_t V, int64_t P, int64_t KW>
constexpr bool slides = V == 1 && P + KW + 1 <= kRegisters;

// Output positions [x0, x0 + P) of row y (the last one repeated past `valid`) for every output
// channel, from the padded sample `in`, the weights as [K, V*kLanes] and the bias as V*kLanes. Per tap: V
// weight loads and P broadcasts of consecutive pixels. Taps whose input row lies in the top or
// bottom padding read only zeros and are skipped: the input gradient's convolution is padded by
// k-1-p on every side, so about a third of its taps would be.
template <int64_t V, int64_t P>
void forward_run(const ConvGeometry& g, const float* in, const float* weights, const float* bias, int64_t y,
                 int64_t x0, int64_t valid, float* out) {
  const int64_t hp = padded_h(g), wp = padded_w(g);
  const int64_t ki_begin = std::max<int64_t>(0, g.padding[0] - y);
  const int64_t ki_end = std::min(g.kh, g.padding[0] + g.height - y);
  int64_t shift[P];
  for (int64_t p = 0; p < P; ++p) shift[p] = std::min(p, valid - 1);
  Lanes acc[P][V];
  for (int64_t v = 0; v < V; ++v) {
    const Lanes b = load(bias + v * kLanes);
    for (int64_t p = 0; p < P; ++p) acc[p][v] = b;
  }
  for (int64_t c = 0; c < g.channels; ++c)
    for (int64_t ki = ki_begin; ki < ki_end; ++ki) {
      const float* row = in + (c * hp + y + ki) * wp + x0;
      const float* w = weights + (c * g.kh + ki) * g.kw * V * kLanes;
      if (valid == P) {  // a whole run reads no pixel past its row: it may slide
        if constexpr (slides<V, P, 5>)
          if (g.kw == 5) {
            slide_kernel_row<P, 5>(row, w, acc);
            continue;
          }
        if constexpr (slides<V, P, 3>)
          if (g.kw == 3) {
            slide_kernel_row<P, 3>(row, w, acc);
            continue;
          }
      }
      for (int64_t kj = 0; kj < g.kw; ++kj, w += V * kLanes) {
        Lanes wv[V];
        for (int64_t v = 0; v < V; ++v) wv[v] = load_once(w + v * kLanes);
#pragma GCC unroll 32  // the sums stay in registers only when every loop over them is unrolled
        for (int64_t p = 0; p < P; ++p) {
          const float s = row[kj + shift[p]];
          for (int64_t v = 0; v < V; ++v) acc[p][v] += s * wv[v];
        }
      }
    }
  const int64_t positions = g.positions();
  for (int64_t p = 0; p < valid; ++p) {
    float lanes[V * kLanes];
    for (int64_t v = 0; v < V; ++v) store(lanes + v * kLanes, acc[p][v]);
    for (int64_t c = 0; c < g.out_channels; ++c) out[c * positions + y * g.out_w + x0 + p] = lanes[c];
  }
}

// One sample's output [O, H'*W'] from its padded input, activation A applied while it is in
// cache. Each row is split into equal runs of at most kAccumulators / V positions, so that no
// run is mostly repeats.
template <int64_t V, Activation A>
void forward_sample(const ConvGeometry& g, const float* in, const float* weights, const float* bias, float* out) {
  constexpr int64_t kMaxRun = kAccumulators / V;
  const int64_t runs = (g.out_w + kMaxRun - 1) / kMaxRun, run = (g.out_w + runs - 1) / runs;
  with_constant<kMaxRun>(run, [&](auto width) {
    for (int64_t y = 0; y < g.out_h; ++y)
      for (int64_t x0 = 0; x0 < g.out_w; x0 += width())
        forward_run<V, width()>(g, in, weights, bias, y, x0, std::min(width(), g.out_w - x0), out);
  });
  activate_in_place<A>(out, g.out_channels * g.positions());
}

// dw [K, V*kLanes] += one sample's weight gradient from its padded input and its output gradient as
// [L, V*kLanes]. A pass: T taps x V vectors of sums over every position; per position V gradient
// loads and T broadcasts.
template <int64_t V>
void weight_grad_sample(const Offsets& off, const float* in, const float* grad, float* dw) {
  // At most 12 taps: each broadcast needs its tap's offset in a general register (16 of them).
  constexpr int64_t T = std::min<int64_t>(kAccumulators, 12) / V;
  const int64_t positions = static_cast<int64_t>(off.corners.size()), taps = static_cast<int64_t>(off.taps.size());
  for (int64_t t0 = 0; t0 < taps; t0 += T) {
    const int64_t valid = std::min(T, taps - t0);
    int64_t tap[T];
    for (int64_t i = 0; i < T; ++i) tap[i] = off.taps[static_cast<size_t>(t0 + std::min(i, valid - 1))];
    Lanes acc[T][V] = {};
    for (int64_t l = 0; l < positions; ++l) {
      const float* corner = in + off.corners[static_cast<size_t>(l)];
      Lanes gv[V];
      for (int64_t v = 0; v < V; ++v) gv[v] = load_once(grad + (l * V + v) * kLanes);
#pragma GCC unroll 32
      for (int64_t i = 0; i < T; ++i) {
        const float s = corner[tap[i]];
        for (int64_t v = 0; v < V; ++v) acc[i][v] += s * gv[v];
      }
    }
    for (int64_t i = 0; i < valid; ++i)
      for (int64_t v = 0; v < V; ++v) {
        float* d = dw + ((t0 + i) * V + v) * kLanes;
        store(d, load(d) + acc[i][v]);
      }
  }
}

// Whether the weight gradient of rows of P positions slides along kernel rows of KW taps, two
// kernel rows at a time: 2 x KW sums, the row's P gradient vectors and a broadcast pixel fit.
template <int64_t P, int64_t KW>
constexpr bool grad_slides = 2 * KW + P + 1 <= kRegisters;

// dw [K, kLanes] += one sample's weight gradient, with one vector of channels, rows of P output
// positions and kernel rows of KW taps, from its padded input and its output gradient [L, kLanes]:
// per output row the P gradient vectors are loaded once, and each pixel of two input rows is
// broadcast once for the KW taps that read it (weight_grad_sample broadcasts it KW times). The
// same sums in the same order: each tap's over positions y * P + x, ascending.
template <int64_t P, int64_t KW>
void weight_grad_sample_sliding(const ConvGeometry& g, const float* in, const float* grad, float* dw) {
  const int64_t hp = padded_h(g), wp = padded_w(g);
  for (int64_t c = 0; c < g.channels; ++c)
    for (int64_t ki = 0; ki < g.kh; ki += 2) {
      const int64_t rows = std::min<int64_t>(2, g.kh - ki);
      Lanes acc[2][KW] = {};
      for (int64_t y = 0; y < g.out_h; ++y) {
        Lanes gv[P];
        for (int64_t x = 0; x < P; ++x) gv[x] = load_once(grad + (y * P + x) * kLanes);
        for (int64_t r = 0; r < rows; ++r) {
          const float* row = in + (c * hp + y + ki + r) * wp;
#pragma GCC unroll 64
          for (int64_t i = 0; i < P + KW - 1; ++i) {
            const float s = row[i];
#pragma GCC unroll 8
            for (int64_t kj = 0; kj < KW; ++kj)
              if (i - kj >= 0 && i - kj < P) acc[r][kj] += s * gv[i - kj];
          }
        }
      }
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t kj = 0; kj < KW; ++kj) {
          float* d = dw + ((c * g.kh + ki + r) * KW + kj) * kLanes;
          store(d, load(d) + acc[r][kj]);
        }
    }
}

// weight_grad_sample, sliding where the row and the kernel allow it.
template <int64_t V>
void weight_grad_sample_any(const ConvGeometry& g, const Offsets& off, const float* in, const float* grad,
                            float* dw) {
  constexpr int64_t kMaxSlidingRow = 16;
  bool slid = false;
  if constexpr (V == 1)
    if (g.out_w <= kMaxSlidingRow)
      with_constant<kMaxSlidingRow>(g.out_w, [&](auto row) {
        if constexpr (grad_slides<row(), 5>)
          if (g.kw == 5) weight_grad_sample_sliding<row(), 5>(g, in, grad, dw), slid = true;
        if constexpr (grad_slides<row(), 3>)
          if (g.kw == 3) weight_grad_sample_sliding<row(), 3>(g, in, grad, dw), slid = true;
      });
  if (!slid) weight_grad_sample<V>(off, in, grad, dw);
}

// The weight gradient as [K, V*kLanes] of samples [begin, end), added sample by sample, then the
// bias gradient as [V*kLanes]: from the output gradient go and, with an activation A, the output y.
template <int64_t V, Activation A>
std::vector<float> weight_grad_chunk(const ConvGeometry& g, const Offsets& off, const float* x, const OutputGrad& go,
                                     int64_t begin, int64_t end) {
  const int64_t width = V * kLanes, positions = g.positions(), weights = g.col_rows() * width;
  std::vector<float> dw(static_cast<size_t>(weights + width), 0.0f), padded;
  std::vector<float> grad(static_cast<size_t>(positions * width), 0.0f);  // zero past O
  std::vector<float> plane(static_cast<size_t>(positions));
  Lanes bias[V] = {};
  for (int64_t n = begin; n < end; ++n) {
    for (int64_t c = 0; c < g.out_channels; ++c) {
      const int64_t first = (n * g.out_channels + c) * positions;
      if (go.pool == 1) {  // straight into place: a pass through `plane` cost 2% of a LeNet step
        for (int64_t l = 0; l < positions; ++l) grad[static_cast<size_t>(l * width + c)] = go.before_activation<A>(first + l);
        continue;
      }
      go.plane_before_activation<A>(n * g.out_channels + c, plane.data());
      for (int64_t l = 0; l < positions; ++l) grad[static_cast<size_t>(l * width + c)] = plane[static_cast<size_t>(l)];
    }
    for (int64_t l = 0; l < positions; ++l)
      for (int64_t v = 0; v < V; ++v) bias[v] += load(grad.data() + l * width + v * kLanes);
    weight_grad_sample_any<V>(g, off, pad_sample(g, x + n * g.sample_size(), padded), grad.data(), dw.data());
  }
  for (int64_t v = 0; v < V; ++v) store(dw.data() + weights + v * kLanes, bias[v]);
  return dw;
}

// The im2col matrix's gradient cols [K, ld] = weight^T @ grad for one sample: weight [O, K]
// with K a multiple of kRows (zero rows past the taps), grad [O, ld] with ld a multiple of 16
// (zero past the positions). A pass: kRows taps x 16 positions of sums (6 x 2 vectors, or 24 x 1
// with AVX-512); per output channel the gradient loads and kRows broadcasts, both through one
// pointer each, so nothing spills.
constexpr int64_t kColumnVectors = 16 / kLanes;
constexpr int64_t kRows = kAccumulators / kColumnVectors;
void columns_grad(const float* weight, int64_t taps, int64_t out_channels, const float* grad, int64_t ld,
                  float* cols) {
  constexpr int64_t kVectors = kColumnVectors;
  for (int64_t m0 = 0; m0 < taps; m0 += kRows)
    for (int64_t l0 = 0; l0 < ld; l0 += kVectors * kLanes) {
      Lanes acc[kRows][kVectors] = {};
      const float* w = weight + m0;
      const float* g = grad + l0;
      for (int64_t o = 0; o < out_channels; ++o, w += taps, g += ld) {
        Lanes gv[kVectors];
        for (int64_t v = 0; v < kVectors; ++v) gv[v] = load_once(g + v * kLanes);
#pragma GCC unroll 32
        for (int64_t i = 0; i < kRows; ++i)
          for (int64_t v = 0; v < kVectors; ++v) acc[i][v] += w[i] * gv[v];
      }
      for (int64_t i = 0; i < kRows; ++i)
        for (int64_t v = 0; v < kVectors; ++v) store(cols + (m0 + i) * ld + l0 + v * kLanes, acc[i][v]);
    }
}

// Widest padded row the row-wise col2im below takes, in vectors (32 floats).
constexpr int64_t kMaxRowVectors = 32 / kLanes;

// For image_from_columns with `vectors` vectors a row: masks[kj * vectors + v] keeps the lanes of
// vector v whose column x has x - kj in [0, out_w), where tap kj's run lands.
std::vector<Mask> run_masks(const ConvGeometry& g, int64_t vectors) {
  std::vector<Mask> masks(static_cast<size_t>(g.kw * vectors));
  for (int64_t kj = 0; kj < g.kw; ++kj)
    for (int64_t v = 0; v < vectors; ++v)
      for (int64_t l = 0; l < kLanes; ++l) {
        const int64_t x = v * kLanes + l - kj;
        masks[static_cast<size_t>(kj * vectors + v)][l] = x >= 0 && x < g.out_w ? -1 : 0;
      }
  return masks;
}

// One sample's dx [C, H, W] from its column gradient (rows of `ld` at `cols`, readable `kw - 1`
// floats before the first and a row's vectors after the last), stride 1, no dilation. col2im adds
// run by run, 1500 runs of 10 for LeNet with a scalar tail each; here each padded image row sums
// its kw shifted runs in NV registers first: a run placed at columns [kj, kj + out_w) is the
// load from kj floats before it, its lanes outside those columns masked to zero.
template <int64_t NV>
void image_from_columns(const ConvGeometry& g, const float* cols, int64_t ld, const std::vector<Mask>& masks,
                        std::vector<float>& rows, float* dx) {
  constexpr int64_t kWide = NV * kLanes;
  const int64_t hp = padded_h(g);
  rows.assign(static_cast<size_t>(g.channels * hp * kWide), 0.0f);
  for (int64_t c = 0; c < g.channels; ++c)
    for (int64_t ki = 0; ki < g.kh; ++ki)
      for (int64_t oy = 0; oy < g.out_h; ++oy) {
        Lanes acc[NV] = {};
        const float* run = cols + (c * g.kh + ki) * g.kw * ld + oy * g.out_w;
        for (int64_t kj = 0; kj < g.kw; ++kj, run += ld)
          for (int64_t v = 0; v < NV; ++v)
            acc[v] += (Lanes)((Mask)load(run - kj + v * kLanes) & masks[static_cast<size_t>(kj * NV + v)]);
        float* row = rows.data() + (c * hp + oy + ki) * kWide;
        for (int64_t v = 0; v < NV; ++v) store(row + v * kLanes, load(row + v * kLanes) + acc[v]);
      }
  for (int64_t c = 0; c < g.channels; ++c)
    for (int64_t y = 0; y < g.height; ++y)
      copy_row(rows.data() + (c * hp + y + g.padding[0]) * kWide + g.padding[1], g.width,
               dx + (c * g.height + y) * g.width);
}

// One sample's dx [C, H, W] for image rows that fit one vector (W <= kLanes), straight from its
// output gradient: dx[c, Y, :] = sum over o, ki, kj of w[o, c, ki, kj] times output gradient row
// Y + ph - ki of channel o shifted by kj - pw, each shifted row one load from `rows` (the
// sample's output gradient rows, `base` zeros before each and zeros after). A pass keeps C
// channels x R image rows of sums; each load meets every (c, row) it reaches, the weights
// broadcast from `taps` [O][kh][kw][C]. This is 24000 FMAs of 16 lanes for LeNet's second layer
// where the columns' gradient took 18816 and then a scatter back into the image (col2im) that
// cost half as much again.
template <int64_t C>
void image_rows_grad(const ConvGeometry& g, const float* taps, const float* rows, int64_t row_width, int64_t base,
                     float* dx) {
  constexpr int64_t R = std::max<int64_t>(1, kAccumulators / C);
  const int64_t ph = g.padding[0], pw = g.padding[1];
  for (int64_t y0 = 0; y0 < g.height; y0 += R) {
    Lanes acc[C][R] = {};
    // Output rows that reach image rows [y0, y0 + R): yy = y + ph - ki.
    const int64_t yy_begin = std::max<int64_t>(0, y0 + ph - (g.kh - 1)), yy_end = std::min(g.out_h, y0 + R + ph);
    for (int64_t o = 0; o < g.out_channels; ++o)
      for (int64_t yy = yy_begin; yy < yy_end; ++yy) {
        const float* row = rows + (o * g.out_h + yy) * row_width + base + pw;
        for (int64_t kj = 0; kj < g.kw; ++kj) {
          const Lanes v = load_once(row - kj);
#pragma GCC unroll 32
          for (int64_t r = 0; r < R; ++r) {
            const int64_t ki = y0 + r + ph - yy;
            if (ki < 0 || ki >= g.kh) continue;
            const float* w = taps + ((o * g.kh + ki) * g.kw + kj) * C;
            for (int64_t c = 0; c < C; ++c) acc[c][r] += w[c] * v;
          }
        }
      }
    for (int64_t r = 0; r < R && y0 + r < g.height; ++r)
      for (int64_t c = 0; c < C; ++c) store_first(dx + (c * g.height + y0 + r) * g.width, acc[c][r], g.width);
  }
}

// dx [N, C, H, W] by image_rows_grad, sample by sample.
template <Activation A>
Tensor input_grad_by_rows(const ConvGeometry& g, const Tensor& weight, const OutputGrad& go) {
  Tensor dx = Tensor::empty({g.batch, g.channels, g.height, g.width});
  // Shifted loads reach kw - 1 - pw columns before a row and kLanes - 1 + pw after its start.
  const int64_t base = std::max<int64_t>(0, g.kw - 1 - g.padding[1]);
  const int64_t row_width = base + std::max(g.out_w, g.padding[1] + kLanes);
  std::vector<float> taps(static_cast<size_t>(g.out_channels * g.kh * g.kw * g.channels));
  const float* w = weight.data<float>();
  for (int64_t o = 0; o < g.out_channels; ++o)
    for (int64_t c = 0; c < g.channels; ++c)
      for (int64_t k = 0; k < g.kh * g.kw; ++k)
        taps[static_cast<size_t>((o * g.kh * g.kw + k) * g.channels + c)] = w[(o * g.channels + c) * g.kh * g.kw + k];
  float* dp = dx.data<float>();
  parallel_chunks(g.batch, kBatchChunk, [&](int64_t begin, int64_t end) {
    std::vector<float> rows(static_cast<size_t>(g.out_channels * g.out_h * row_width + kLanes), 0.0f);
    with_constant<16>(g.channels, [&](auto channels) {
      for (int64_t n = begin; n < end; ++n) {
        for (int64_t o = 0; o < g.out_channels; ++o)
          for (int64_t y = 0; y < g.out_h; ++y)
            go.row_before_activation<A>(n * g.out_channels + o, y, 0, g.out_w,
                                        rows.data() + (o * g.out_h + y) * row_width + base);
        image_rows_grad<channels()>(g, taps.data(), rows.data(), row_width, base, dp + n * g.sample_size());
      }
    });
  });
  return dx;
}

// dx [N, C, H, W]: each sample's column gradient (K = C*kh*kw rows, a short reduction over the
// output channels) scattered back by col2im while it is still in cache.
template <Activation A>
Tensor input_grad(const ConvGeometry& g, const Tensor& weight, const OutputGrad& go) {
  const int64_t row_vectors = (padded_w(g) + kLanes - 1) / kLanes;
  const bool by_rows = row_vectors <= kMaxRowVectors;
  const std::vector<Mask> masks = by_rows ? run_masks(g, row_vectors) : std::vector<Mask>();
  Tensor dx = by_rows ? Tensor::empty({g.batch, g.channels, g.height, g.width})
                      : Tensor::zeros({g.batch, g.channels, g.height, g.width});
  const int64_t taps = g.col_rows(), positions = g.positions();
  const int64_t ld = round_up(positions, kColumnVectors * kLanes), rows = round_up(taps, kRows);
  // Room before the columns and after them for the row-wise col2im's shifted loads.
  const int64_t front = g.kw - 1, back = kMaxRowVectors * kLanes;
  std::vector<float> weights(static_cast<size_t>(g.out_channels * rows), 0.0f);
  for (int64_t o = 0; o < g.out_channels; ++o)
    std::copy_n(weight.data<float>() + o * taps, taps, weights.data() + o * rows);
  float* dp = dx.data<float>();
  parallel_chunks(g.batch, kBatchChunk, [&](int64_t begin, int64_t end) {
    std::vector<float> grad(static_cast<size_t>(g.out_channels * ld), 0.0f),
        buffer(static_cast<size_t>(front + rows * ld + back), 0.0f), image;
    float* cols = buffer.data() + front;
    for (int64_t n = begin; n < end; ++n) {
      for (int64_t o = 0; o < g.out_channels; ++o)
        go.plane_before_activation<A>(n * g.out_channels + o, grad.data() + o * ld);
      columns_grad(weights.data(), rows, g.out_channels, grad.data(), ld, cols);
      float* sample_dx = dp + n * g.sample_size();
      if (by_rows)
        with_constant<kMaxRowVectors>(row_vectors, [&](auto nv) {
          image_from_columns<nv()>(g, cols, ld, masks, image, sample_dx);
        });
      else
        col2im(g, cols, ld, sample_dx, image);
    }
  });
  return dx;
}

}  // namespace

bool channel_loops_fit(const ConvGeometry& g) {
  if (g.stride != Pair{1, 1} || g.dilation != Pair{1, 1} || g.groups != 1) return false;
  // A 1x1 kernel is a plain product, which these loops beat only with 32 or more channels on
  // images up to 14x14 (below). Over that, im2col + sgemm (which copies nothing for it) won:
  // 32 -> 32 on 20x20, 9.8 -> 8.8 ms; on 28x28, 28.8 -> 17.2 ms; 16 -> 16 on 28x28, 11.5 -> 6.8 ms
  // (batch 128, one thread, forward and backward); with up to 16 channels it won or tied on 14x14.
  constexpr int64_t kMaxOneTapPositions = 14 * 14;
  if (g.kh * g.kw == 1 &&
      ((g.channels <= 16 && g.out_channels <= 16) || g.positions() > kMaxOneTapPositions))
    return false;
  // Up to 16 channels each way (LeNet's second layer) these loops beat im2col + sgemm with AVX2
  // and AVX-512 alike.
  if (g.channels <= 16 && g.out_channels <= 16) return true;
  // More, with AVX-512 (up to four vectors of channels), measured at one thread against im2col +
  // sgemm with OpenBLAS's Haswell kernels (SkylakeX ones in brackets), forward and backward:
  // - 3x3, twice as fast: 32 -> 32 on 4x4, 4.7 (3.9) -> 2.1 ms; on 28x28, 46 (38) -> 23 ms;
  //   64 -> 64 on 7x7, 40 -> 25 ms; 40 -> 8 on 14x14, 34 -> 16 ms; 48 -> 48 on 4x4, 8.7 -> 5.1 ms;
  // - 1x1 with 32 or more input channels: 32 -> 64 on 7x7, 3.1 -> 1.6 ms; 56 -> 28 on 14x14,
  //   11.5 -> 8.5 ms; but fewer taps were slower: 16 -> 32 on 14x14, 4.0 -> 5.9 ms;
  // - weights past 48 x 48 3x3 kernels on images under 7x7 were slower: 64 -> 64 on 4x4,
  //   14.6 -> 23.5 ms.
  constexpr int64_t kMinTaps = 32, kMaxSmallImageWeights = 48 * 48 * 9, kSmallImage = 7 * 7;
  const int64_t vectors = std::max(vectors_for(g.channels), vectors_for(g.out_channels));
  return vectors <= kMaxVectors && g.col_rows() >= kMinTaps &&
         (g.out_channels * g.col_rows() <= kMaxSmallImageWeights || g.positions() >= kSmallImage);
}

Tensor channel_loops_forward(const ConvGeometry& g, const Tensor& x, const Tensor& weight, const Tensor* bias,
                             Activation activation, const PoolAfter& pool) {
  Tensor out = Tensor::empty({g.batch, g.out_channels, g.out_h, g.out_w});
  const float* xp = x.data<float>();
  float* op = out.data<float>();
  with_vectors(g.out_channels, [&](auto vectors) {
    constexpr int64_t V = vectors();
    const std::vector<float> weights = taps_major(weight.data<float>(), g.out_channels, g.col_rows(), V * kLanes);
    std::vector<float> shift(V * kLanes, 0.0f);
    if (bias) std::copy_n(bias->data<float>(), g.out_channels, shift.begin());
    with_activation(activation, [&](auto a) {
      parallel_chunks(g.batch, kBatchChunk, [&](int64_t begin, int64_t end) {
        std::vector<float> padded;
        for (int64_t n = begin; n < end; ++n) {
          float* sample_out = op + n * g.out_channels * g.positions();
          forward_sample<V, a()>(g, pad_sample(g, xp + n * g.sample_size(), padded), weights.data(), shift.data(),
                                 sample_out);
          pool.sample_done(g, sample_out, n);
        }
      });
    });
  });
  return out;
}

void channel_loops_backward(const ConvGeometry& g, const Tensor& x, const Tensor& weight, const OutputGrad& go,
                            Tensor* dx, Tensor* dw, Tensor* db) {
  with_activation(go.activation, [&](auto a) {
    if (!dx) return;
    if (sample_lanes_fit(g)) *dx = sample_lanes_input_grad(g, weight, go);
    else *dx = g.width <= kLanes ? input_grad_by_rows<a()>(g, weight, go) : input_grad<a()>(g, weight, go);
  });
  if (!dw && !db) return;
  const Offsets off(g);
  with_vectors(g.out_channels, [&](auto vectors) {
    constexpr int64_t V = vectors();
    const int64_t width = V * kLanes, taps = g.col_rows();
    const int64_t chunks = (g.batch + kBatchChunk - 1) / kBatchChunk;
    std::vector<std::vector<float>> parts(static_cast<size_t>(chunks));
    with_activation(go.activation, [&](auto a) {
      parallel_chunks(g.batch, kBatchChunk, [&](int64_t begin, int64_t end) {
        parts[static_cast<size_t>(begin / kBatchChunk)] = weight_grad_chunk<V, a()>(g, off, x.data<float>(), go, begin, end);
      });
    });
    std::vector<float> total(static_cast<size_t>((taps + 1) * width), 0.0f);
    for (const std::vector<float>& part : parts)
      for (size_t i = 0; i < part.size(); ++i) total[i] += part[i];
    if (dw) {
      *dw = Tensor::empty({g.out_channels, taps});
      float* d = dw->data<float>();
      for (int64_t o = 0; o < g.out_channels; ++o)
        for (int64_t k = 0; k < taps; ++k) d[o * taps + k] = total[static_cast<size_t>(k * width + o)];
    }
    if (db) {
      *db = Tensor::empty({g.out_channels});
      std::copy_n(total.data() + taps * width, g.out_channels, db->data<float>());
    }
  });
}

}  // namespace minidl::conv
