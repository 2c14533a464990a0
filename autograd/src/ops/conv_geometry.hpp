#pragma once
// Internal to conv2d (conv.cpp, conv_direct.cpp): the sizes of one convolution and the
// zero-padded copy of a sample both ways of computing it read.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "average_pairs.hpp"
#include "image_geometry.hpp"
#include "lanes.hpp"
#include "minidl/core/activation.hpp"
#include "minidl/core/tensor.hpp"

namespace minidl::conv {

using image::Pair;

// Samples per weight-gradient partial sum. Fixed, so the partials and the order they are added
// in never depend on the thread count: the gradient is bitwise the same for any count.
constexpr int64_t kBatchChunk = 8;

struct ConvGeometry {
  int64_t batch, channels, height, width;  // input
  int64_t out_channels, kh, kw, out_h, out_w, groups;
  Pair stride, padding, dilation;

  int64_t positions() const { return out_h * out_w; }
  int64_t col_rows() const { return channels * kh * kw; }                    // rows of one sample's im2col
  int64_t group_rows() const { return col_rows() / groups; }                 // ... of one group
  int64_t group_out() const { return out_channels / groups; }
  int64_t sample_size() const { return channels * height * width; }
};

// dst[0, n) = src[0, n) for the short rows of a small image (a few dozen floats), inline and in
// whole vectors with a masked tail: as std::copy_n each is a call into memmove (5% of a LeNet
// epoch), and GCC turns a loop of fixed-size copies back into one such call.
inline void copy_row(const float* src, int64_t n, float* dst) {
  int64_t i = 0;
  for (; i + lanes::kLanes <= n; i += lanes::kLanes) lanes::store(dst + i, lanes::load_once(src + i));
  if (i < n) lanes::store_first(dst + i, lanes::load_first(src + i, n - i), n - i);
}

// values[0, n) = activation A of them: applied to a sample's output while it is in cache. (In
// the kernels' registers, the activation's constants pushed their sums out to memory.)
template <Activation A>
void activate_in_place(float* values, int64_t n) {
  if constexpr (A != Activation::None)
    for (int64_t i = 0; i < n; ++i) values[i] = activate(A, values[i]);
}

// activation_slope(A, y) lane by lane, the same bits.
template <Activation A>
lanes::Lanes slope_lanes(const lanes::Lanes& y) {
  if constexpr (A == Activation::Sigmoid) return y * (1.0f - y);
  else if constexpr (A == Activation::ReLU) return (lanes::Lanes)((lanes::Mask)(lanes::Lanes{} + 1.0f) & (y > 0.0f));
  else return lanes::Lanes{} + 1.0f;
}

// The divisor of a k x k average pool's windows, as avg_pool2d computes it.
inline float pool_scale(int64_t k) { return 1.0f / static_cast<float>(k * k); }

// pooled [O, H/k, W/k] = the averages of the k x k windows with stride k of one sample's output
// y [O, H, W] (rows and columns past the last whole window left out), summed as avg_pool2d sums
// them: from 0, row by row, left to right, then times 1/k². Run while the sample is in cache.
inline void average_pool_sample(const float* y, int64_t planes, int64_t h, int64_t w, int64_t k, float* pooled) {
  const int64_t ph = h / k, pw = w / k;
  const float scale = pool_scale(k);
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t oy = 0; oy < ph; ++oy) {
      const float* r0 = y + (p * h + k * oy) * w;
      float* o = pooled + (p * ph + oy) * pw;
      if (k == 2) {
        image::average_pairs(r0, r0 + w, pw, scale, o);
        continue;
      }
      std::fill_n(o, pw, 0.0f);
      for (int64_t ky = 0; ky < k; ++ky)
        for (int64_t kx = 0; kx < k; ++kx)
          for (int64_t ox = 0; ox < pw; ++ox) o[ox] += r0[ky * w + ox * k + kx];
      for (int64_t ox = 0; ox < pw; ++ox) o[ox] *= scale;
    }
}

// The average pool a forward applies to its output after the activation, sample by sample
// while each is in cache: k x k windows with stride k into `out` [N, O, H'/k, W'/k]; k = 1, none.
struct PoolAfter {
  int64_t k = 1;
  float* out = nullptr;

  // After sample n's output y [O, H', W'] is written (and activated).
  void sample_done(const ConvGeometry& g, const float* y, int64_t n) const {
    if (k == 1) return;
    const int64_t pooled = g.out_channels * (g.out_h / k) * (g.out_w / k);
    average_pool_sample(y, g.out_channels, g.out_h, g.out_w, k, out + n * pooled);
  }
};

// The gradient of a convolution's output y [N, O, H', W'] as its backward reads it: with an
// activation applied to y, times the activation's slope there, the gradient before the
// activation, so that it is never a tensor of its own. With an average pool after the
// activation, `tensor` is the pooled output's gradient, spread back over each window as it is
// read, so that the gradient before the pool is never a tensor either.
struct OutputGrad {
  Tensor tensor;        // the gradient [N, O, H'*W'], contiguous ([N, O, (H'/pool)*(W'/pool)] with a pool)
  Tensor out;           // y [N, O, H'*W'], defined with an activation
  Activation activation;
  int64_t pool;                  // the k of a k x k average pool with stride k after the activation, or 1
  int64_t out_h, out_w;          // H' and W'
  const float* grad = tensor.data<float>();
  const float* output = out.defined() ? out.data<float>() : nullptr;

  // Element i of y's gradient before the activation A (== activation), without a pool.
  template <Activation A>
  float before_activation(int64_t i) const {
    if constexpr (A == Activation::None) return grad[i];
    else return grad[i] * activation_slope(A, output[i]);
  }
  // Columns [x0, x0 + n) of row y of plane p (sample * O + channel) of y's gradient before the
  // activation A into dst.
  template <Activation A>
  void row_before_activation(int64_t p, int64_t y, int64_t x0, int64_t n, float* dst) const;
  // Plane p [H' * W'] into dst.
  template <Activation A>
  void plane_before_activation(int64_t p, float* dst) const {
    for (int64_t y = 0; y < out_h; ++y) row_before_activation<A>(p, y, 0, out_w, dst + y * out_w);
  }

 private:
  template <Activation A, int64_t K>
  void pooled_row(int64_t p, int64_t y, int64_t x0, int64_t n, float* dst) const;
};

// The gradient before the activation as a tensor of its own [N, O, H'*W'] (go.tensor itself when
// it already is).
Tensor gradient_before_activation(const OutputGrad& go);

template <Activation A>
void OutputGrad::row_before_activation(int64_t p, int64_t y, int64_t x0, int64_t n, float* dst) const {
  if (pool == 2) return pooled_row<A, 2>(p, y, x0, n, dst);
  if (pool != 1) return pooled_row<A, 0>(p, y, x0, n, dst);
  const int64_t i = (p * out_h + y) * out_w + x0;
  if constexpr (A == Activation::None) copy_row(grad + i, n, dst);
  else
    for (int64_t j = 0; j < n; ++j) dst[j] = before_activation<A>(i + j);
}

// row_before_activation with a pool of K (0: `pool`, known at run time only): the pooled gradient
// times 1/k² over whole windows, 0 past them (as avg_pool2d's backward), then times the slope,
// in the order of the separate ops. Whole vectors are stored unmasked: the loops that read these
// rows load whole vectors, and such a load of what a masked store wrote waits for the store to
// retire (with every vector masked, the first layer's pooled reads took twice as long).
template <Activation A, int64_t K>
void OutputGrad::pooled_row(int64_t p, int64_t y, int64_t x0, int64_t n, float* dst) const {
  const int64_t k = K != 0 ? K : pool, ph = out_h / k, pw = out_w / k;
  const float scale = pool_scale(k);
  const int64_t covered = y < ph * k ? std::clamp<int64_t>(pw * k - x0, 0, n) : 0;
  const float* g = grad + (p * ph + y / k) * pw;
  const float* out_row = output ? output + (p * out_h + y) * out_w + x0 : nullptr;
  const auto slope = [&](float v, int64_t j) {
    if constexpr (A == Activation::None) return v;
    else return v * activation_slope(A, out_row[j]);
  };
  int64_t j = 0;
  if (K == 2 && x0 % 2 == 0) {  // each gradient for two columns side by side, a vector at a time
    for (; j + lanes::kLanes <= covered; j += lanes::kLanes) {
      lanes::Lanes v = lanes::doubled(g + (x0 + j) / 2, lanes::kLanes) * scale;
      if constexpr (A != Activation::None) v = v * slope_lanes<A>(lanes::load(out_row + j));
      lanes::store(dst + j, v);
    }
    if (const int64_t m = covered - j; m > 0) {
      lanes::Lanes v = lanes::doubled(g + (x0 + j) / 2, m) * scale;
      if constexpr (A != Activation::None) v = v * slope_lanes<A>(lanes::load_first(out_row + j, m));
      lanes::store_first(dst + j, v, m);
    }
    j = covered;
  }
  for (; j < covered; ++j) dst[j] = slope(g[(x0 + j) / k] * scale, j);
  for (; j < n; ++j) dst[j] = slope(0.0f, j);
}

// Both ways work on the sample zero-padded on every side [C, Hp, Wp]: the window never leaves
// it, so every run of out_w columns is branch-free (bounds checks per run cost more than the
// work itself at LeNet's sizes).
inline int64_t padded_h(const ConvGeometry& g) { return g.height + 2 * g.padding[0]; }
inline int64_t padded_w(const ConvGeometry& g) { return g.width + 2 * g.padding[1]; }
inline bool has_padding(const ConvGeometry& g) { return g.padding[0] != 0 || g.padding[1] != 0; }

// One sample x [C, H, W] zero-padded into `buf` as [C, Hp, row_width] (row_width >= Wp; the
// columns past the right padding stay zero too). The border of `buf` is zeroed when it is first
// sized and never written after, so only the interior is copied.
inline const float* copy_padded(const ConvGeometry& g, const float* x, std::vector<float>& buf, int64_t row_width) {
  const int64_t hp = padded_h(g);
  if (buf.empty()) buf.assign(static_cast<size_t>(g.channels * hp * row_width), 0.0f);
  for (int64_t c = 0; c < g.channels; ++c)
    for (int64_t y = 0; y < g.height; ++y)
      copy_row(x + (c * g.height + y) * g.width, g.width, buf.data() + (c * hp + y + g.padding[0]) * row_width + g.padding[1]);
  return buf.data();
}

// One sample zero-padded [C, Hp, Wp] (x itself when there is no padding).
inline const float* pad_sample(const ConvGeometry& g, const float* x, std::vector<float>& buf) {
  return has_padding(g) ? copy_padded(g, x, buf, padded_w(g)) : x;
}

}  // namespace minidl::conv
