// im2col and col2im: the matrix a convolution is a GEMM with, one sample at a time.
#include "conv_columns.hpp"

#include <type_traits>
#include <utility>

namespace minidl::conv {

namespace {

// Walks one sample's im2col matrix [C*kh*kw, out_h*out_w], stored with row stride `ld`, run by
// run: visit(col, in) where column ox of the run starting at `col` is padded pixel in + ox * stride_w.
template <class Visit>
void walk_columns(const ConvGeometry& g, int64_t ld, Visit&& visit) {
  const int64_t hp = padded_h(g), wp = padded_w(g);
  for (int64_t c = 0; c < g.channels; ++c)
    for (int64_t ki = 0; ki < g.kh; ++ki)
      for (int64_t kj = 0; kj < g.kw; ++kj) {
        const int64_t row = (c * g.kh + ki) * g.kw + kj;
        for (int64_t oy = 0; oy < g.out_h; ++oy)
          visit(row * ld + oy * g.out_w, (c * hp + oy * g.stride[0] + ki * g.dilation[0]) * wp + kj * g.dilation[1]);
      }
}

template <int64_t N>
using Constant = std::integral_constant<int64_t, N>;

constexpr int64_t kMaxFixedRun = 16;

template <class F, size_t... Widths>
bool call_with_fixed_width(int64_t width, int64_t stride, F& f, std::index_sequence<Widths...>) {
  const auto with_width = [&](auto w) {
    if (stride == 1) f(w, Constant<1>{});
    else if (stride == 2) f(w, Constant<2>{});
    else f(w, stride);
  };
  return ((width == static_cast<int64_t>(Widths) + 1 ? (with_width(Constant<Widths + 1>{}), true) : false) || ...);
}

// Calls f(width, stride) with the run's width and column stride as compile-time constants for
// the narrow runs of small images (ResNet's 7x7 and 4x4 stages: the copy of a few floats is
// then a move or two, not a loop), as plain numbers otherwise.
template <class F>
void with_run_shape(int64_t width, int64_t stride, F&& f) {
  if (!call_with_fixed_width(width, stride, f, std::make_index_sequence<kMaxFixedRun>{})) f(width, stride);
}

}  // namespace

void im2col(const ConvGeometry& g, const float* padded, float* cols, int64_t ld) {
  with_run_shape(g.out_w, g.stride[1], [&](auto width, auto stride) {
    walk_columns(g, ld, [&](int64_t col, int64_t in) {
      float* dst = cols + col;
      const float* src = padded + in;
      for (int64_t ox = 0; ox < width; ++ox) dst[ox] = src[ox * stride];
    });
  });
}

void col2im(const ConvGeometry& g, const float* cols, int64_t ld, float* dx, std::vector<float>& buf) {
  const int64_t hp = padded_h(g), wp = padded_w(g);
  float* target = dx;
  if (has_padding(g)) {
    buf.assign(static_cast<size_t>(g.channels * hp * wp), 0.0f);
    target = buf.data();
  }
  with_run_shape(g.out_w, g.stride[1], [&](auto width, auto stride) {
    walk_columns(g, ld, [&](int64_t col, int64_t in) {
      const float* src = cols + col;
      float* out = target + in;
      for (int64_t ox = 0; ox < width; ++ox) out[ox * stride] += src[ox];
    });
  });
  if (target == dx) return;
  for (int64_t c = 0; c < g.channels; ++c)
    for (int64_t y = 0; y < g.height; ++y) {
      const float* src = target + (c * hp + y + g.padding[0]) * wp + g.padding[1];
      float* dst = dx + (c * g.height + y) * g.width;
      for (int64_t x = 0; x < g.width; ++x) dst[x] += src[x];
    }
}

}  // namespace minidl::conv
