#include "conv_phases.hpp"

#include <algorithm>

#include "minidl/autograd/node.hpp"
#include "minidl/core/parallel.hpp"

namespace minidl::conv {

namespace {

using Grads = std::span<Tensor>;

// Calls move(phase, y, x, input_index) for every phase pixel (channel `phase` of one sample, at
// (y, x)) that holds an input pixel, not padding. Both directions walk the same pairs.
template <class F>
void for_each_phase_pixel(const Shape& in, Pair factor, Pair padding, Pair size, int64_t channel, F&& move) {
  const int64_t height = in[2], width = in[3];
  for (int64_t a = 0; a < factor[0]; ++a)
    for (int64_t b = 0; b < factor[1]; ++b) {
      const int64_t phase = (channel * factor[0] + a) * factor[1] + b;
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

bool phases_fit(const ConvGeometry& g) {
  constexpr int64_t kMaxChannels = 16;  // as the direct loops for few channels take them
  return (g.stride[0] > 1 || g.stride[1] > 1) && g.dilation == Pair{1, 1} && g.groups == 1 &&
         g.channels * g.stride[0] * g.stride[1] <= kMaxChannels && g.out_channels <= kMaxChannels;
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
      for_each_phase_pixel(in, factor, padding, size, 0, [&](int64_t phase, int64_t y, int64_t x, int64_t i) {
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
        for_each_phase_pixel(in, factor, padding, size, 0, [&](int64_t phase, int64_t y, int64_t x, int64_t i) {
          to[i] = from[(phase * size[0] + y) * size[1] + x];
        });
      }
    });
    gi[0] = std::move(dx);
  });
}

}  // namespace minidl::conv
