#include "conv_phases.hpp"

#include <algorithm>

#include "conv_channels.hpp"

#include "minidl/autograd/node.hpp"
#include "minidl/core/parallel.hpp"

namespace minidl::conv {

namespace {

using Grads = std::span<Tensor>;

// Calls move(phase, y, x, input_index) for every pixel (y, x) of the phases of one input plane
// (phase a * f_w + b) that holds an input pixel, not padding. Both directions walk the same pairs.
template <class F>
void for_each_phase_pixel(const Shape& in, Pair factor, Pair padding, Pair size, F&& move) {
  const int64_t height = in[2], width = in[3];
  for (int64_t a = 0; a < factor[0]; ++a)
    for (int64_t b = 0; b < factor[1]; ++b) {
      const int64_t phase = a * factor[1] + b;
      for (int64_t y = 0; y < size[0]; ++y) {
        const int64_t row = factor[0] * y + a - padding[0];
        if (row < 0 || row >= height) continue;
        // Columns x with 0 <= f x + b - p < width.
        const int64_t first = std::max<int64_t>(0, (padding[1] - b + factor[1] - 1) / factor[1]);
        const int64_t last = std::min(size[1], (width + padding[1] - b + factor[1] - 1) / factor[1]);
        for (int64_t x = first; x < last; ++x) move(phase, y, x, row * width + factor[1] * x + b - padding[1]);
      }
    }
}

}  // namespace

ConvGeometry phase_geometry(const ConvGeometry& g) {
  ConvGeometry p = g;
  p.channels = g.channels * g.stride[0] * g.stride[1];
  p.kh = (g.kh + g.stride[0] - 1) / g.stride[0];
  p.kw = (g.kw + g.stride[1] - 1) / g.stride[1];
  p.height = g.out_h + p.kh - 1;
  p.width = g.out_w + p.kw - 1;
  p.stride = {1, 1};
  p.padding = {0, 0};
  return p;
}

bool phases_fit(const ConvGeometry& g) {
  if (g.stride == Pair{1, 1} || g.dilation != Pair{1, 1} || g.groups != 1) return false;
  const ConvGeometry p = phase_geometry(g);
  // Taps of the phases over taps of the kernel: 64 / 49 for a 7x7 kernel at stride 2, where the
  // phases took 2.7-3.2 ms against im2col's 4.2-4.4 (ResNet's stem, batch 256); 16 / 9 for a
  // 3x3 kernel at stride 2, where they took 5.3 ms against 2.9 (16 -> 32 channels on 7x7).
  constexpr double kMaxTapsRatio = 1.4;
  const double taps_ratio = static_cast<double>(p.col_rows()) / static_cast<double>(g.col_rows());
  return taps_ratio <= kMaxTapsRatio && channel_loops_fit(p);
}

Variable stride_phases(const Variable& x, Pair factor, Pair padding, Pair size) {
  const Tensor xc = x.data().contiguous();
  const Shape in = xc.shape();
  const int64_t batch = in[0], channels = in[1], in_plane = in[2] * in[3];
  const int64_t phases = factor[0] * factor[1], plane = size[0] * size[1];
  Tensor out = Tensor::zeros({batch, channels * phases, size[0], size[1]});
  const float* xp = xc.data<float>();
  float* op = out.data<float>();
  parallel_for(batch * channels, 1, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; ++p) {
      const float* from = xp + p * in_plane;
      float* to = op + p * phases * plane;
      for_each_phase_pixel(in, factor, padding, size, [&](int64_t phase, int64_t y, int64_t x, int64_t i) {
        to[(phase * size[0] + y) * size[1] + x] = from[i];
      });
    }
  });
  return record("StridePhases", std::move(out), {&x}, [in, factor, padding, size](const Tensor& g, Grads gi, const Node&) {
    const Tensor gc = g.contiguous();
    const int64_t phases = factor[0] * factor[1], plane = size[0] * size[1], in_plane = in[2] * in[3];
    Tensor dx = Tensor::zeros(in);  // rows and columns past the last window get no gradient
    const float* gp = gc.data<float>();
    float* dp = dx.data<float>();
    parallel_for(in[0] * in[1], 1, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const float* from = gp + p * phases * plane;
        float* to = dp + p * in_plane;
        for_each_phase_pixel(in, factor, padding, size, [&](int64_t phase, int64_t y, int64_t x, int64_t i) {
          to[i] = from[(phase * size[0] + y) * size[1] + x];
        });
      }
    });
    gi[0] = std::move(dx);
  });
}

}  // namespace minidl::conv
