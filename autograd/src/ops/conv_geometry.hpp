#pragma once
// Internal to conv2d (conv.cpp, conv_direct.cpp): the sizes of one convolution and the
// zero-padded copy of a sample both ways of computing it read.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

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

// The gradient of a convolution's output [N, O, L] as its backward reads it: with an activation
// applied to that output (y), times the activation's slope there, the gradient before the
// activation, so that it is never a tensor of its own.
struct OutputGrad {
  Tensor tensor;        // the gradient [N, O, L], contiguous
  Tensor out;           // y [N, O, L], defined with an activation
  Activation activation;
  const float* grad = tensor.data<float>();
  const float* output = out.defined() ? out.data<float>() : nullptr;

  // Element i before the activation A (== activation).
  template <Activation A>
  float before_activation(int64_t i) const {
    if constexpr (A == Activation::None) return grad[i];
    else return grad[i] * activation_slope(A, output[i]);
  }
  // Elements [i, i + n) before the activation A into dst.
  template <Activation A>
  void row_before_activation(int64_t i, int64_t n, float* dst) const;
};

// The gradient before the activation as a tensor of its own (go.tensor itself without one).
Tensor gradient_before_activation(const OutputGrad& go);

template <Activation A>
void OutputGrad::row_before_activation(int64_t i, int64_t n, float* dst) const {
  if constexpr (A == Activation::None) copy_row(grad + i, n, dst);
  else
    for (int64_t j = 0; j < n; ++j) dst[j] = grad[i + j] * activation_slope(A, output[i + j]);
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
