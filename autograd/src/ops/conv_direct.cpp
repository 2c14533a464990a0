// conv2d as direct loops, vectorised over an output row's columns. A network's first layer (one
// to three input channels, small kernels, wide rows) as a GEMM is tiny: LeNet's is 6x25 @ 25x784
// per sample, and sgemm spends its time packing the 25x784 operand that im2col wrote first.
// Here a pass keeps a few output channels x 32 columns of one output row in vector registers
// and reads each input row once per tap for all of them.
#include "conv_direct.hpp"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "lanes.hpp"
#include "minidl/core/parallel.hpp"

namespace minidl::conv {

namespace {

using namespace lanes;
constexpr int64_t kPassWidth = 32;                   // output columns per pass
constexpr int64_t kBlocks = kPassWidth / kLanes;     // vectors per pass: 4 with AVX, 2 with AVX-512
// Output channels per pass. With 16 registers: 2 x 4 sums, the 4 input vectors they share and a
// broadcast weight (with 3, GCC spilled or loaded each input vector three times). With 32: 6 x 2
// sums, so that a 6-channel layer reads each input row once per tap.
constexpr int64_t kChannelGroup = kRegisters == 32 ? 6 : 2;
// The weight gradient's pass covers up to this many taps of one kernel row (kernel columns).
constexpr int64_t kMaxShifts = 5;

// Output channels per weight-gradient pass over `shifts` taps: shifts x G sums, G x kBlocks
// gradient vectors and a shifted input run of kBlocks vectors fit the registers (5 x 4 sums with
// AVX-512, 5 x 1 with 16 registers), one channel at least.
constexpr int64_t grad_channels_for(int64_t shifts) {
  return std::max<int64_t>(1, (kRegisters - 2 * kBlocks) / (shifts + kBlocks));
}

// The zero-padded sample [C, Hp, wide]: rows as wide as whole passes read (past the right
// padding by up to a pass), so no pass needs a bounds check.
struct WidePadding {
  int64_t height, wide;

  explicit WidePadding(const ConvGeometry& g)
      : height(padded_h(g)), wide(round_up(g.out_w, kPassWidth) + g.kw - 1) {}

  const float* fill(const ConvGeometry& g, const float* x, std::vector<float>& buf) const {
    return copy_padded(g, x, buf, wide);
  }
};

// Output channels [o, o+G) of one pass: out row columns [x, x + valid) from padded rows that
// start at `in` (row y, column x), weights [O, C*kh*kw].
template <int64_t G>
void forward_pass(const ConvGeometry& g, const WidePadding& p, const float* in, const float* weight,
                  const float* bias, int64_t o, float* out, int64_t valid) {
  Lanes acc[G][kBlocks];
  for (int64_t j = 0; j < G; ++j)
    for (int64_t b = 0; b < kBlocks; ++b) acc[j][b] = Lanes{} + (bias ? bias[o + j] : 0.0f);
  const int64_t taps = g.col_rows();
  for (int64_t c = 0; c < g.channels; ++c)
    for (int64_t ki = 0; ki < g.kh; ++ki) {
      const float* row = in + (c * p.height + ki) * p.wide;
      const float* w = weight + o * taps + (c * g.kh + ki) * g.kw;
      for (int64_t kj = 0; kj < g.kw; ++kj) {
        Lanes v[kBlocks];
        for (int64_t b = 0; b < kBlocks; ++b) v[b] = load_once(row + kj + b * kLanes);
        for (int64_t j = 0; j < G; ++j) {
          const float s = w[j * taps + kj];
          for (int64_t b = 0; b < kBlocks; ++b) acc[j][b] += s * v[b];
        }
      }
    }
  const int64_t plane = g.positions();
  for (int64_t j = 0; j < G; ++j)
    for (int64_t b = 0; b < kBlocks; ++b) {
      const int64_t n = valid - b * kLanes;
      if (n >= kLanes) store(out + j * plane + b * kLanes, acc[j][b]);
      else if (n > 0) store_first(out + j * plane + b * kLanes, acc[j][b], n);
    }
}

// Calls f(o, G) for output channels in groups of Group (the last may be smaller), with G a
// compile-time constant.
template <int64_t Group, class F>
void for_each_channel_group(int64_t channels, F&& f) {
  for (int64_t o = 0; o < channels; o += Group)
    with_constant<Group>(std::min(Group, channels - o), [&](auto group) { f(o, group); });
}

// One sample's output gradient as [out_h][passes][O][kPassWidth]: a pass's columns of every
// channel side by side, zero past out_w. Channel j of a pass is then a fixed offset from channel
// 0's (j * kPassWidth floats), an address the FMA's operand holds, where a channel plane apart
// took a general register each, more than there are for 6 channels.
struct PassGradient {
  int64_t passes, row_stride;
  std::vector<float> values;

  explicit PassGradient(const ConvGeometry& g)
      : passes((g.out_w + kPassWidth - 1) / kPassWidth),
        row_stride(passes * g.out_channels * kPassWidth),
        values(static_cast<size_t>(g.out_h * row_stride), 0.0f) {}

  // Channel o's columns of pass q in output row 0.
  const float* at(const ConvGeometry& g, int64_t q, int64_t o) const {
    return values.data() + (q * g.out_channels + o) * kPassWidth;
  }

  // From sample n of the output gradient: before the activation A.
  template <Activation A>
  void fill(const ConvGeometry& g, const OutputGrad& go, int64_t n) {
    for (int64_t o = 0; o < g.out_channels; ++o)
      for (int64_t row = 0; row < g.out_h; ++row)
        for (int64_t q = 0; q < passes; ++q)
          go.row_before_activation<A>(n * g.out_channels + o, row, q * kPassWidth,
                                      std::min(kPassWidth, g.out_w - q * kPassWidth),
                                      values.data() + row * row_stride + (q * g.out_channels + o) * kPassWidth);
  }

  // sums[o] += channel o's gradient, lane by lane (the columns past out_w are zero).
  void add_channel_sums(const ConvGeometry& g, Lanes* sums) const {
    for (int64_t row = 0; row < g.out_h; ++row)
      for (int64_t q = 0; q < passes; ++q)
        for (int64_t o = 0; o < g.out_channels; ++o) {
          const float* v = values.data() + row * row_stride + (q * g.out_channels + o) * kPassWidth;
          for (int64_t b = 0; b < kBlocks; ++b) sums[o] += load(v + b * kLanes);
        }
  }
};

// Output channels [o, o+G) of the weight gradient for input channel c, taps (ki, kj0 + s) for
// s < S: each product summed lane-wise over every row and pass of one sample into `lanes`. Per
// output row the G channels' gradient vectors are loaded once and meet the S shifted input
// runs; one tap at a time loaded the gradient again for every tap (the loop waited on loads).
template <int64_t G, int64_t S>
void weight_grad_pass(const ConvGeometry& g, const WidePadding& p, const float* padded, const PassGradient& grad,
                      int64_t o, int64_t c, int64_t ki, int64_t kj0, float* lanes) {
  Lanes acc[G][S] = {};
  for (int64_t q = 0; q < grad.passes; ++q) {
    const float* row = padded + (c * p.height + ki) * p.wide + q * kPassWidth + kj0;
    const float* gr = grad.at(g, q, o);
    for (int64_t y = 0; y < g.out_h; ++y, row += p.wide, gr += grad.row_stride) {
      Lanes gv[G][kBlocks];
      for (int64_t j = 0; j < G; ++j)
        for (int64_t b = 0; b < kBlocks; ++b) gv[j][b] = load_once(gr + j * kPassWidth + b * kLanes);
      for (int64_t s = 0; s < S; ++s) {
        Lanes v[kBlocks];
        for (int64_t b = 0; b < kBlocks; ++b) v[b] = load_once(row + s + b * kLanes);
        for (int64_t j = 0; j < G; ++j)
          for (int64_t b = 0; b < kBlocks; ++b) acc[j][s] += gv[j][b] * v[b];
      }
    }
  }
  const int64_t taps = g.col_rows();
  for (int64_t j = 0; j < G; ++j)
    for (int64_t s = 0; s < S; ++s) {
      float* l = lanes + ((o + j) * taps + (c * g.kh + ki) * g.kw + kj0 + s) * kLanes;
      store(l, load(l) + acc[j][s]);
    }
}

// The lane sums of each weight, then of each bias when asked, to one float each.
std::vector<float> reduce_lanes(const std::vector<float>& lanes) {
  std::vector<float> out(lanes.size() / kLanes);
  for (size_t i = 0; i < out.size(); ++i) {
    float sum = 0.0f;
    for (int64_t l = 0; l < kLanes; ++l) sum += lanes[i * kLanes + static_cast<size_t>(l)];
    out[i] = sum;
  }
  return out;
}

// The weight gradient [O, C*kh*kw] of samples [begin, end), followed by the bias gradient [O]
// when `bias` is set: from the output gradient go and, with an activation A, the output y.
template <Activation A>
std::vector<float> weight_grad_chunk(const ConvGeometry& g, const float* x, const OutputGrad& go, bool bias,
                                     int64_t begin, int64_t end) {
  const WidePadding p(g);
  const int64_t taps = g.col_rows(), weights = g.out_channels * taps;
  std::vector<float> padded, lanes(static_cast<size_t>((weights + (bias ? g.out_channels : 0)) * kLanes), 0.0f);
  std::vector<Lanes> bias_sums(static_cast<size_t>(bias ? g.out_channels : 0), Lanes{});
  PassGradient grad(g);
  for (int64_t n = begin; n < end; ++n) {
    const float* in = p.fill(g, x + n * g.sample_size(), padded);
    grad.fill<A>(g, go, n);
    if (bias) grad.add_channel_sums(g, bias_sums.data());
    for (int64_t c = 0; c < g.channels; ++c)
      for (int64_t ki = 0; ki < g.kh; ++ki)
        for (int64_t kj0 = 0; kj0 < g.kw; kj0 += kMaxShifts)
          with_constant<kMaxShifts>(std::min(kMaxShifts, g.kw - kj0), [&](auto shifts) {
            for_each_channel_group<grad_channels_for(shifts())>(g.out_channels, [&](int64_t o, auto group) {
              weight_grad_pass<group(), shifts()>(g, p, in, grad, o, c, ki, kj0, lanes.data());
            });
          });
  }
  for (size_t o = 0; o < bias_sums.size(); ++o) store(lanes.data() + (weights + static_cast<int64_t>(o)) * kLanes, bias_sums[o]);
  return reduce_lanes(lanes);
}

// dw [O, C*kh*kw] and, when asked, db [O]: each chunk's part in order (the same bits for any
// thread count).
void weight_and_bias_grad(const ConvGeometry& g, const Tensor& x, const OutputGrad& go, Tensor* dw, Tensor* db) {
  const int64_t chunks = (g.batch + kBatchChunk - 1) / kBatchChunk;
  std::vector<std::vector<float>> parts(static_cast<size_t>(chunks));
  with_activation(go.activation, [&](auto activation) {
    parallel_chunks(g.batch, kBatchChunk, [&](int64_t begin, int64_t end) {
      parts[static_cast<size_t>(begin / kBatchChunk)] =
          weight_grad_chunk<activation()>(g, x.data<float>(), go, db != nullptr, begin, end);
    });
  });
  const int64_t weights = g.out_channels * g.col_rows();
  std::vector<float> total(static_cast<size_t>(weights + (db ? g.out_channels : 0)), 0.0f);
  for (const std::vector<float>& part : parts)
    for (size_t i = 0; i < part.size(); ++i) total[i] += part[i];
  if (dw) {
    *dw = Tensor::empty({g.out_channels, g.col_rows()});
    std::copy_n(total.data(), weights, dw->data<float>());
  }
  if (db) {
    *db = Tensor::empty({g.out_channels});
    std::copy_n(total.data() + weights, g.out_channels, db->data<float>());
  }
}

// The input gradient as a convolution: the output gradient, padded by k-1-p, with the kernel
// flipped and its channel axes swapped gives dx (stride 1, no dilation, one group).
void input_grad(const ConvGeometry& g, const Tensor& weight, const Tensor& go, Tensor& dx) {
  ConvGeometry t = g;
  t.channels = g.out_channels;
  t.height = g.out_h;
  t.width = g.out_w;
  t.out_channels = g.channels;
  t.padding = {g.kh - 1 - g.padding[0], g.kw - 1 - g.padding[1]};
  t.out_h = g.height;
  t.out_w = g.width;
  Tensor flipped = Tensor::empty({g.channels, g.out_channels * g.kh * g.kw});
  const float* w = weight.data<float>();
  float* f = flipped.data<float>();
  for (int64_t c = 0; c < g.channels; ++c)
    for (int64_t o = 0; o < g.out_channels; ++o)
      for (int64_t ki = 0; ki < g.kh; ++ki)
        for (int64_t kj = 0; kj < g.kw; ++kj)
          f[((c * g.out_channels + o) * g.kh + ki) * g.kw + kj] =
              w[((o * g.channels + c) * g.kh + (g.kh - 1 - ki)) * g.kw + (g.kw - 1 - kj)];
  dx = direct_forward(t, go, flipped, nullptr, Activation::None);
}

}  // namespace

bool direct_fits(const ConvGeometry& g) {
  // A 1x1 kernel has no taps for neighbouring outputs to share, and is a plain product: im2col +
  // sgemm took 17.7 ms where these loops took 27.3 (32 -> 32 on 28x28, batch 128, one thread,
  // forward and backward), 12.3 against 13.9 with 16 -> 32, 8.6 against 9.3 with 4 -> 32.
  return g.stride == Pair{1, 1} && g.dilation == Pair{1, 1} && g.groups == 1 && g.kh * g.kw > 1 && g.col_rows() <= 32 &&
         g.out_w >= 16 && g.padding[0] < g.kh && g.padding[1] < g.kw;
}

Tensor direct_forward(const ConvGeometry& g, const Tensor& x, const Tensor& weight, const Tensor* bias,
                      Activation activation, const PoolAfter& pool) {
  Tensor out = Tensor::empty({g.batch, g.out_channels, g.out_h, g.out_w});
  const float* xp = x.data<float>();
  const float* wp = weight.data<float>();
  const float* bp = bias ? bias->data<float>() : nullptr;
  float* op = out.data<float>();
  const WidePadding p(g);
  with_activation(activation, [&](auto a) {
    parallel_chunks(g.batch, kBatchChunk, [&](int64_t begin, int64_t end) {
      std::vector<float> padded;
      for (int64_t n = begin; n < end; ++n) {
        const float* in = p.fill(g, xp + n * g.sample_size(), padded);
        float* sample_out = op + n * g.out_channels * g.positions();
        for_each_channel_group<kChannelGroup>(g.out_channels, [&](int64_t o, auto group) {
          for (int64_t y = 0; y < g.out_h; ++y)
            for (int64_t x = 0; x < g.out_w; x += kPassWidth)
              forward_pass<group()>(g, p, in + y * p.wide + x, wp, bp, o, sample_out + (o * g.out_h + y) * g.out_w + x,
                                    std::min(kPassWidth, g.out_w - x));
        });
        activate_in_place<a()>(sample_out, g.out_channels * g.positions());
        pool.sample_done(g, sample_out, n);
      }
    });
  });
  return out;
}

void direct_backward(const ConvGeometry& g, const Tensor& x, const Tensor& weight, const OutputGrad& go, Tensor* dx,
                     Tensor* dw, Tensor* db) {
  if (dx) input_grad(g, weight, gradient_before_activation(go), *dx);
  if (dw || db) weight_and_bias_grad(g, x, go, dw, db);
}

}  // namespace minidl::conv
