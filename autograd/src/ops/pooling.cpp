// max_pool2d, avg_pool2d and adaptive_avg_pool2d: each output pixel reduces one rectangular
// window of its (n, c) plane; planes run in parallel, and every plane is independent, so any
// thread count gives the same bits.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "average_pairs.hpp"
#include "image_geometry.hpp"
#include "lanes.hpp"
#include "minidl/autograd/image_ops.hpp"
#include "minidl/autograd/node.hpp"
#include "minidl/core/parallel.hpp"

namespace minidl {

using Grads = std::span<Tensor>;
using image::Pair;

namespace {

// One output pixel's window, clipped to the input: rows [y0, y1), columns [x0, x1); an average
// multiplies its sum by `scale`.
struct Window {
  int64_t y0, y1, x0, x1;
  float scale;
};

// The windows of every output pixel of a plane, row-major, with the output's height and width.
// Without padding every sliding window is whole and has the same divisor: `kernel` and `stride`
// are set (else 0) and the averages run row by row, vectorised over the output's columns.
struct Windows {
  std::vector<Window> list;
  int64_t out_h = 0, out_w = 0;
  Pair kernel{0, 0}, stride{0, 0};
  bool uniform() const { return kernel[0] > 0; }
  // Whole windows side by side covering the h x w plane: each pixel in exactly one window.
  bool tile(int64_t h, int64_t w) const {
    return uniform() && kernel == stride && out_h * kernel[0] == h && out_w * kernel[1] == w;
  }
};

// Windows of kernel `k` moved by `s` over an input padded by `p` (PyTorch's floor mode). The
// divisor counts the padding inside the window when `count_pad` (PyTorch's count_include_pad).
Windows sliding_windows(const Tensor& x, Pair k, Pair s, Pair p, bool count_pad, const char* op) {
  image::check_nchw(x, op);
  image::check_at_least(k, 1, op, "kernel_size");
  image::check_at_least(s, 1, op, "stride");
  image::check_at_least(p, 0, op, "padding");
  if (p[0] > k[0] / 2 || p[1] > k[1] / 2)
    throw ValueError(std::string(op) + ": padding " + image::to_string(p) + " must be at most half of kernel_size " +
                     image::to_string(k));
  Windows w;
  w.out_h = image::output_extent(x, 0, k, s, p, {1, 1}, op);
  w.out_w = image::output_extent(x, 1, k, s, p, {1, 1}, op);
  const int64_t h = x.size(2), wd = x.size(3);
  w.list.reserve(static_cast<size_t>(w.out_h * w.out_w));
  for (int64_t oy = 0; oy < w.out_h; ++oy)
    for (int64_t ox = 0; ox < w.out_w; ++ox) {
      const int64_t y0 = oy * s[0] - p[0], x0 = ox * s[1] - p[1];
      const int64_t y1 = std::min(y0 + k[0], h + p[0]), x1 = std::min(x0 + k[1], wd + p[1]);
      const int64_t padded_count = (y1 - y0) * (x1 - x0);
      Window win{std::max<int64_t>(y0, 0), std::min(y1, h), std::max<int64_t>(x0, 0), std::min(x1, wd), 0.0f};
      const int64_t count = count_pad ? padded_count : (win.y1 - win.y0) * (win.x1 - win.x0);
      win.scale = 1.0f / static_cast<float>(count);
      w.list.push_back(win);
    }
  if (p[0] == 0 && p[1] == 0) {
    w.kernel = k;
    w.stride = s;
  }
  return w;
}

// PyTorch's adaptive windows: output i of n over an extent of `in` spans
// [floor(i*in/n), ceil((i+1)*in/n)).
Windows adaptive_windows(const Tensor& x, Pair out) {
  constexpr const char* op = "adaptive_avg_pool2d";
  image::check_nchw(x, op);
  image::check_at_least(out, 1, op, "output_size");
  if (x.size(2) < 1 || x.size(3) < 1)
    throw ShapeError(std::string(op) + ": input " + to_string(x.shape()) + " has an empty plane");
  Windows w{{}, out[0], out[1]};
  const int64_t h = x.size(2), wd = x.size(3);
  for (int64_t oy = 0; oy < out[0]; ++oy)
    for (int64_t ox = 0; ox < out[1]; ++ox) {
      Window win{oy * h / out[0], ((oy + 1) * h + out[0] - 1) / out[0], ox * wd / out[1],
                 ((ox + 1) * wd + out[1] - 1) / out[1], 0.0f};
      win.scale = 1.0f / static_cast<float>((win.y1 - win.y0) * (win.x1 - win.x0));
      w.list.push_back(win);
    }
  return w;
}

// Grain for the loop over planes: enough pixels per task to be worth scheduling.
int64_t plane_grain(int64_t plane_size) { return std::max<int64_t>(1, kGrainSize / std::max<int64_t>(plane_size, 1)); }

// Runs body(plane) for every (n, c) plane of x, in parallel.
template <class Body>
void for_each_plane(const Tensor& x, Body&& body) {
  const int64_t planes = x.size(0) * x.size(1);
  parallel_for(planes, plane_grain(x.size(2) * x.size(3)), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) body(p);
  });
}

// Calls body(step) with the column stride as a compile-time constant for 1 and 2 (GCC
// vectorises those strides, not a run-time one) and as the plain value otherwise.
template <class Body>
void with_stride(int64_t stride, Body&& body) {
  if (stride == 1) return body(std::integral_constant<int64_t, 1>{});
  if (stride == 2) return body(std::integral_constant<int64_t, 2>{});
  body(stride);
}

// out [out_h, out_w] = the averages of whole windows (Windows::uniform) of one plane of width
// `width`, added in the same order as the general loop (row by row, left to right).
void average_uniform(const Windows& w, const float* plane, int64_t width, float* out) {
  const float scale = w.list.front().scale;
  // Element by element: std::array's == is a call to memcmp, which cost 1% of a LeNet block
  // here, once per plane.
  if (w.kernel[0] == 2 && w.kernel[1] == 2 && w.stride[0] == 2 && w.stride[1] == 2) {
    // d2l's pooling, in vectors (the loops below run four passes over each output row); the
    // same sums in the same order, 0 first.
    for (int64_t oy = 0; oy < w.out_h; ++oy) {
      const float* r0 = plane + 2 * oy * width;
      image::average_pairs(r0, r0 + width, w.out_w, scale, out + oy * w.out_w);
    }
    return;
  }
  with_stride(w.stride[1], [&](auto step) {
    for (int64_t oy = 0; oy < w.out_h; ++oy) {
      float* o = out + oy * w.out_w;
      std::fill_n(o, w.out_w, 0.0f);
      for (int64_t ky = 0; ky < w.kernel[0]; ++ky) {
        const float* row = plane + (oy * w.stride[0] + ky) * width;
        for (int64_t kx = 0; kx < w.kernel[1]; ++kx)
          for (int64_t ox = 0; ox < w.out_w; ++ox) o[ox] += row[ox * step + kx];
      }
      for (int64_t ox = 0; ox < w.out_w; ++ox) o[ox] *= scale;
    }
  });
}

// Calls spread(g, row, step, scale) for each output row g of the gradient and each input row its
// whole windows (Windows::uniform) cover, with the column stride as for with_stride.
template <class Spread>
void for_each_window_row(const Windows& w, const float* grad, int64_t width, float* dx, Spread&& spread) {
  const float scale = w.list.front().scale;
  with_stride(w.stride[1], [&](auto step) {
    for (int64_t oy = 0; oy < w.out_h; ++oy)
      for (int64_t ky = 0; ky < w.kernel[0]; ++ky)
        spread(grad + oy * w.out_w, dx + (oy * w.stride[0] + ky) * width, step, scale);
  });
}

// dx plane += each output gradient spread evenly over its whole window (Windows::uniform).
void spread_uniform(const Windows& w, const float* grad, int64_t width, float* dx) {
  for_each_window_row(w, grad, width, dx, [&](const float* g, float* row, auto step, float scale) {
    for (int64_t kx = 0; kx < w.kernel[1]; ++kx)
      for (int64_t ox = 0; ox < w.out_w; ++ox) row[ox * step + kx] += g[ox] * scale;
  });
}

// dx plane = each output gradient spread evenly over its window, for windows that tile the plane
// (Windows::tile): every pixel written once, so dx need not be zeroed first and read back.
void assign_tiled(const Windows& w, const float* grad, int64_t width, float* dx) {
  for_each_window_row(w, grad, width, dx, [&](const float* g, float* row, auto step, float scale) {
    if constexpr (std::is_same_v<decltype(step), std::integral_constant<int64_t, 2>>) {
      // Each gradient twice, side by side: GCC vectorises this form (an interleave), not x / 2.
      for (int64_t i = 0; i < width / 2; ++i) row[2 * i] = row[2 * i + 1] = g[i] * scale;
    } else {
      for (int64_t x = 0; x < width; ++x) row[x] = g[x / step] * scale;
    }
  });
}

// The average of every window; its backward spreads each gradient evenly over its window.
Variable average_windows(const Variable& x, Windows windows, const char* name) {
  const Tensor xc = x.data().contiguous();
  const int64_t in_plane = xc.size(2) * xc.size(3), out_plane = windows.out_h * windows.out_w;
  Tensor out = Tensor::empty({xc.size(0), xc.size(1), windows.out_h, windows.out_w});
  const float* xp = xc.data<float>();
  float* op = out.data<float>();
  const int64_t width = xc.size(3);
  for_each_plane(xc, [&](int64_t p) {
    const float* plane = xp + p * in_plane;
    if (windows.uniform()) return average_uniform(windows, plane, width, op + p * out_plane);
    for (int64_t o = 0; o < out_plane; ++o) {
      const Window& w = windows.list[static_cast<size_t>(o)];
      float s = 0.0f;
      for (int64_t y = w.y0; y < w.y1; ++y)
        for (int64_t xx = w.x0; xx < w.x1; ++xx) s += plane[y * width + xx];
      op[p * out_plane + o] = s * w.scale;
    }
  });
  return record(name, std::move(out), {&x},
                [shape = xc.shape(), w = std::make_shared<const Windows>(std::move(windows))](const Tensor& g, Grads gi,
                                                                                               const Node&) {
                  const Tensor gc = g.contiguous();
                  const bool tiled = w->tile(shape[2], shape[3]);
                  Tensor dx = tiled ? Tensor::empty(shape) : Tensor::zeros(shape);
                  const int64_t in_plane = shape[2] * shape[3], out_plane = w->out_h * w->out_w, width = shape[3];
                  const float* gp = gc.data<float>();
                  float* dp = dx.data<float>();
                  for_each_plane(dx, [&](int64_t p) {
                    float* plane = dp + p * in_plane;
                    if (tiled) return assign_tiled(*w, gp + p * out_plane, width, plane);
                    if (w->uniform()) return spread_uniform(*w, gp + p * out_plane, width, plane);
                    for (int64_t o = 0; o < out_plane; ++o) {
                      const Window& win = w->list[static_cast<size_t>(o)];
                      const float share = gp[p * out_plane + o] * win.scale;
                      for (int64_t y = win.y0; y < win.y1; ++y)
                        for (int64_t xx = win.x0; xx < win.x1; ++xx) plane[y * width + xx] += share;
                    }
                  });
                  gi[0] = std::move(dx);
                });
}

// max_pool2d's forward for column strides other than 1 and 2, window by window: the maxima of
// the planes of xc into out and where each came from into argmax.
void max_pool_any_stride(const Tensor& xc, const Windows& windows, int64_t* argmax, float* out) {
  const int64_t width = xc.size(3), in_plane = xc.size(2) * width, out_plane = windows.out_h * windows.out_w;
  const float* xp = xc.data<float>();
  for_each_plane(xc, [&](int64_t p) {
    const float* plane = xp + p * in_plane;
    for (int64_t o = 0; o < out_plane; ++o) {
      const Window& w = windows.list[static_cast<size_t>(o)];
      int64_t best = w.y0 * width + w.x0;
      float best_value = -std::numeric_limits<float>::infinity();
      for (int64_t y = w.y0; y < w.y1; ++y)
        for (int64_t xx = w.x0; xx < w.x1; ++xx) {
          const float v = plane[y * width + xx];
          if (v > best_value || std::isnan(v)) {  // NaN wins, as in PyTorch
            best_value = v;
            best = y * width + xx;
          }
        }
      out[p * out_plane + o] = best_value;
      argmax[p * out_plane + o] = best;
    }
  });
}

template <size_t... I>
lanes::Lanes even_lanes(const lanes::Lanes& a, const lanes::Lanes& b, std::index_sequence<I...>) {
  return __builtin_shufflevector(a, b, static_cast<int>(2 * I)...);
}

// Lanes 0..kLanes-1 of the floats at p, p + step, p + 2 step, ... for a step of 1 or 2 (the
// even lanes of two loads); reads up to 2 kLanes floats from p.
template <class Step>
lanes::Lanes strided_load(const float* p, Step) {
  if constexpr (std::is_same_v<Step, std::integral_constant<int64_t, 1>>) {
    return lanes::load(p);
  } else {
    return even_lanes(lanes::load(p), lanes::load(p + lanes::kLanes), std::make_index_sequence<lanes::kLanes>{});
  }
}

// One output row of a max pool over a plane padded with -inf (so every window is whole), kLanes
// outputs at a time: the maxima into `value` and where each came from into `index`, as offsets
// into the unpadded plane of width `width`. `index` starts at each window's first pixel inside
// the image, which a window of -inf keeps; NaN wins, as in PyTorch, and the padding never does.
// Lane selects, not a branch per tap: which tap wins is data, and mispredicting it cost most of
// the time (d2l's ResNet stem pool, 3x3 stride 2 pad 1 over 128 x 16 planes of 14 x 14, one
// thread: 3.0 ms window by window, 0.65 ms here). The padded plane has 2 kLanes floats of slack
// after it for the loads past its last row.
template <class Step>
void max_pool_row(const float* padded, int64_t padded_width, int64_t top, Size2 kernel, Step step,
                  int64_t image_offset, int64_t width, int64_t out_w, float* value, int32_t* index) {
  using lanes::Lanes, lanes::Mask, lanes::kLanes;
  Mask lane{};
  for (int64_t i = 0; i < kLanes; ++i) lane[i] = static_cast<int32_t>(i * step);
  for (int64_t ox = 0; ox < out_w; ox += kLanes) {
    const int64_t n = std::min(kLanes, out_w - ox);
    Lanes best = lanes::Lanes{} - std::numeric_limits<float>::infinity();
    Mask where{};
    std::memcpy(&where, index + ox, static_cast<size_t>(n) * sizeof(int32_t));
    for (int64_t ki = 0; ki < kernel[0]; ++ki) {
      const float* row = padded + (top + ki) * padded_width + ox * step;
      const auto offset = static_cast<int32_t>(image_offset + ki * width + ox * step);
      for (int64_t kj = 0; kj < kernel[1]; ++kj) {
        const Lanes v = strided_load(row + kj, step);
        const Mask wins = (v > best) | (v != v);
        best = wins ? v : best;
        where = wins ? lane + static_cast<int32_t>(offset + kj) : where;
      }
    }
    lanes::store_first(value + ox, best, n);
    std::memcpy(index + ox, &where, static_cast<size_t>(n) * sizeof(int32_t));
  }
}

}  // namespace

Variable max_pool2d(const Variable& x, Size2 kernel_size, Size2 stride, Size2 padding) {
  const Windows windows = sliding_windows(x.data(), kernel_size, stride, padding, true, "max_pool2d");
  const Tensor xc = x.data().contiguous();
  const int64_t height = xc.size(2), width = xc.size(3), in_plane = height * width;
  const int64_t out_h = windows.out_h, out_w = windows.out_w, out_plane = out_h * out_w;
  const int64_t hp = height + 2 * padding[0], wp = width + 2 * padding[1];
  Tensor out = Tensor::empty({xc.size(0), xc.size(1), out_h, out_w});
  // Where each output's maximum came from, within its plane; backward routes the gradient there.
  // A Tensor, so that its storage is recycled from step to step as the activations' is.
  Tensor argmax = Tensor::empty(out.shape(), DType::Int64);
  int64_t* ap = argmax.data<int64_t>();
  const float* xp = xc.data<float>();
  float* op = out.data<float>();
  const auto pool_rows = [&](auto step) {
    for_each_plane(xc, [&](int64_t p) {
      thread_local std::vector<float> padded;
      thread_local std::vector<int32_t> index;
      padded.assign(static_cast<size_t>(hp * wp + 2 * lanes::kLanes), -std::numeric_limits<float>::infinity());
      index.resize(static_cast<size_t>(out_w));
      const float* plane = xp + p * in_plane;
      for (int64_t y = 0; y < height; ++y)
        std::copy_n(plane + y * width, width, padded.data() + (y + padding[0]) * wp + padding[1]);
      for (int64_t oy = 0; oy < out_h; ++oy) {
        for (int64_t ox = 0; ox < out_w; ++ox) {
          const Window& w = windows.list[static_cast<size_t>(oy * out_w + ox)];
          index[static_cast<size_t>(ox)] = static_cast<int32_t>(w.y0 * width + w.x0);
        }
        const int64_t top = oy * stride[0], o = p * out_plane + oy * out_w;
        max_pool_row(padded.data(), wp, top, kernel_size, step, (top - padding[0]) * width - padding[1], width, out_w,
                     op + o, index.data());
        std::copy_n(index.data(), out_w, ap + o);
      }
    });
  };
  if (stride[1] == 1) pool_rows(std::integral_constant<int64_t, 1>{});
  else if (stride[1] == 2) pool_rows(std::integral_constant<int64_t, 2>{});
  else max_pool_any_stride(xc, windows, ap, op);
  return record("MaxPool2d", std::move(out), {&x},
                [shape = xc.shape(), argmax = std::move(argmax), out_plane](const Tensor& g, Grads gi, const Node&) {
                  const Tensor gc = g.contiguous();
                  Tensor dx = Tensor::zeros(shape);
                  const int64_t in_plane = shape[2] * shape[3];
                  const float* gp = gc.data<float>();
                  const int64_t* from = argmax.data<int64_t>();
                  float* dp = dx.data<float>();
                  for_each_plane(dx, [&](int64_t p) {
                    for (int64_t o = 0; o < out_plane; ++o) {
                      const int64_t i = p * out_plane + o;
                      dp[p * in_plane + from[i]] += gp[i];
                    }
                  });
                  gi[0] = std::move(dx);
                });
}

Variable avg_pool2d(const Variable& x, Size2 kernel_size, Size2 stride, Size2 padding, bool count_include_pad) {
  return average_windows(x, sliding_windows(x.data(), kernel_size, stride, padding, count_include_pad, "avg_pool2d"),
                         "AvgPool2d");
}

Variable adaptive_avg_pool2d(const Variable& x, Size2 output_size) {
  return average_windows(x, adaptive_windows(x.data(), output_size), "AdaptiveAvgPool2d");
}

}  // namespace minidl
