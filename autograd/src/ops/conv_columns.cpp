// im2col and col2im: the matrix a convolution is a GEMM with, one sample at a time.
#include "conv_columns.hpp"

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

}  // namespace

void im2col(const ConvGeometry& g, const float* padded, float* cols, int64_t ld) {
  const int64_t sw = g.stride[1], out_w = g.out_w;
  walk_columns(g, ld, [&](int64_t col, int64_t in) {
    float* dst = cols + col;
    const float* src = padded + in;
    if (sw == 1)
      for (int64_t ox = 0; ox < out_w; ++ox) dst[ox] = src[ox];
    else
      for (int64_t ox = 0; ox < out_w; ++ox) dst[ox] = src[ox * sw];
  });
}

void col2im(const ConvGeometry& g, const float* cols, int64_t ld, float* dx, std::vector<float>& buf) {
  const int64_t sw = g.stride[1], out_w = g.out_w, hp = padded_h(g), wp = padded_w(g);
  float* target = dx;
  if (has_padding(g)) {
    buf.assign(static_cast<size_t>(g.channels * hp * wp), 0.0f);
    target = buf.data();
  }
  walk_columns(g, ld, [&](int64_t col, int64_t in) {
    const float* src = cols + col;
    float* out = target + in;
    if (sw == 1)
      for (int64_t ox = 0; ox < out_w; ++ox) out[ox] += src[ox];
    else
      for (int64_t ox = 0; ox < out_w; ++ox) out[ox * sw] += src[ox];
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
