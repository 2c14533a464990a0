// A convolution of tiny images (ResNet's 2x2 and 3x3 stages) as one dense product: no im2col,
// no zero-padding products, and a GEMM as wide as the batch.
#include "conv_dense.hpp"

#include <vector>

#include "minidl/core/matmul.hpp"
#include "minidl/core/parallel.hpp"
#include "minidl/core/reduction.hpp"

namespace minidl::conv {

namespace {

constexpr int64_t kMaxDenseFloats = int64_t{1} << 22;

// One tap of one output pixel on the image: T's row p (of each output channel's block), column
// q (input channel c's pixel), and the weight's column k = (c * kh + ki) * kw + kj it carries.
struct Tap {
  int64_t p, q, k;
};

// Every tap of every output pixel that falls on the image, pixel by pixel.
std::vector<Tap> taps_on_the_image(const ConvGeometry& g) {
  std::vector<Tap> taps;
  const int64_t plane = g.height * g.width;
  for (int64_t oy = 0; oy < g.out_h; ++oy)
    for (int64_t ox = 0; ox < g.out_w; ++ox)
      for (int64_t c = 0; c < g.channels; ++c)
        for (int64_t ki = 0; ki < g.kh; ++ki) {
          const int64_t iy = oy * g.stride[0] - g.padding[0] + ki * g.dilation[0];
          if (iy < 0 || iy >= g.height) continue;
          for (int64_t kj = 0; kj < g.kw; ++kj) {
            const int64_t ix = ox * g.stride[1] - g.padding[1] + kj * g.dilation[1];
            if (ix >= 0 && ix < g.width)
              taps.push_back({oy * g.out_w + ox, c * plane + iy * g.width + ix, (c * g.kh + ki) * g.kw + kj});
          }
        }
  return taps;
}

// T [O*P, C*H*W]: row o*P + p holds output pixel p's taps of output channel o. Channel by
// channel, so the writes stay in one block of P rows and the reads in one weight row.
Tensor dense_matrix(const ConvGeometry& g, const std::vector<Tap>& taps, const Tensor& weight) {
  const int64_t positions = g.positions(), columns = g.sample_size(), row = g.col_rows();
  Tensor t = Tensor::zeros({g.out_channels * positions, columns});
  float* tp = t.data<float>();
  const float* wp = weight.data<float>();
  for (int64_t o = 0; o < g.out_channels; ++o) {
    float* block = tp + o * positions * columns;
    const float* w = wp + o * row;
    for (const Tap& tap : taps) block[tap.p * columns + tap.q] = w[tap.k];
  }
  return t;
}

}  // namespace

bool dense_fits(const ConvGeometry& g) {
  return g.groups == 1 && g.height * g.width <= g.kh * g.kw &&
         g.out_channels * g.positions() * g.sample_size() <= kMaxDenseFloats;
}

Tensor dense_forward(const ConvGeometry& g, const Tensor& x, const Tensor& weight, const Tensor* bias,
                     Activation activation, const PoolAfter& pool) {
  const int64_t positions = g.positions(), row = g.out_channels * positions;
  Tensor out = Tensor::empty({g.batch, g.out_channels, g.out_h, g.out_w});
  Tensor out2 = out.view({g.batch, row});
  gemm_into(out2, x.view({g.batch, g.sample_size()}), dense_matrix(g, taps_on_the_image(g), weight).t(), 0.0f, 1.0f);
  float* op = out.data<float>();
  const float* bp = bias ? bias->data<float>() : nullptr;
  if (bp || activation != Activation::None || pool.k != 1)
    with_activation(activation, [&](auto a) {
      parallel_for(g.batch, 1, [&](int64_t b, int64_t e) {
        for (int64_t n = b; n < e; ++n) {
          float* sample = op + n * row;
          for (int64_t o = 0; o < g.out_channels; ++o)
            for (int64_t p = 0; p < positions; ++p) {
              float& v = sample[o * positions + p];
              v = activate(a(), bp ? v + bp[o] : v);
            }
          pool.sample_done(g, sample, n);
        }
      });
    });
  return out;
}

void dense_backward(const ConvGeometry& g, const Tensor& x, const Tensor& weight, const OutputGrad& go, Tensor* dx,
                    Tensor* dw, Tensor* db) {
  const int64_t row = g.out_channels * g.positions();
  const Tensor before = gradient_before_activation(go).contiguous();
  const Tensor grad = before.view({g.batch, row});
  const std::vector<Tap> taps = taps_on_the_image(g);
  if (dx) {
    *dx = Tensor::empty({g.batch, g.channels, g.height, g.width});
    Tensor dx2 = dx->view({g.batch, g.sample_size()});
    gemm_into(dx2, grad, dense_matrix(g, taps, weight), 0.0f, 1.0f);
  }
  if (dw) {
    // dT = G^T x, then each weight the sum of its taps' entries, pixel by pixel.
    Tensor dt = Tensor::empty({row, g.sample_size()});
    gemm_into(dt, grad.t(), x.view({g.batch, g.sample_size()}), 0.0f, 1.0f);
    *dw = Tensor::zeros({g.out_channels, g.col_rows()});
    const float* tp = dt.data<float>();
    float* wp = dw->data<float>();
    const int64_t positions = g.positions(), columns = g.sample_size(), width = g.col_rows();
    for (int64_t o = 0; o < g.out_channels; ++o) {
      const float* block = tp + o * positions * columns;
      float* w = wp + o * width;
      for (const Tap& tap : taps) w[tap.k] += block[tap.p * columns + tap.q];
    }
  }
  if (db) *db = sum(sum(before.view({g.batch, g.out_channels, g.positions()}), 2), 0);
}

}  // namespace minidl::conv
