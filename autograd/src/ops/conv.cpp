// conv2d: im2col + sgemm forward, sgemm + col2im backward, parallel over chunks of the batch.
// Small layers, where those GEMMs would be mostly packing, go through direct loops instead:
// few taps with wide rows (a first layer) through conv_direct.cpp, few channels through
// conv_channels.cpp.
#include <algorithm>
#include <optional>
#include <vector>

#include "conv_channels.hpp"
#include "conv_columns.hpp"
#include "conv_dense.hpp"
#include "conv_direct.hpp"
#include "conv_geometry.hpp"
#include "conv_phases.hpp"
#include "image_geometry.hpp"
#include "minidl/autograd/image_ops.hpp"
#include "minidl/autograd/node.hpp"
#include "minidl/core/matmul.hpp"
#include "minidl/core/parallel.hpp"
#include "minidl/core/reduction.hpp"

namespace minidl {

using Grads = std::span<Tensor>;
using image::Pair;

using namespace conv;

namespace {

ConvGeometry conv_geometry(const Tensor& x, const Tensor& w, const Tensor* bias, Pair stride, Pair padding,
                           Pair dilation, int64_t groups) {
  constexpr const char* op = "conv2d";
  image::check_nchw(x, op);
  check_dtype(w, DType::Float32, op);
  if (w.dim() != 4)
    throw ShapeError(std::string(op) + ": weight must be 4-D [out_channels, in_channels/groups, kh, kw], got shape " +
                     to_string(w.shape()));
  image::check_at_least(stride, 1, op, "stride");
  image::check_at_least(dilation, 1, op, "dilation");
  image::check_at_least(padding, 0, op, "padding");
  if (groups < 1) throw ValueError("conv2d: groups must be >= 1, got " + std::to_string(groups));
  const int64_t channels = x.size(1), out_channels = w.size(0);
  if (channels % groups != 0)
    throw ShapeError("conv2d: input channels " + std::to_string(channels) + " of input " + to_string(x.shape()) +
                     " are not divisible by groups " + std::to_string(groups));
  if (out_channels % groups != 0)
    throw ShapeError("conv2d: out_channels " + std::to_string(out_channels) + " of weight " + to_string(w.shape()) +
                     " are not divisible by groups " + std::to_string(groups));
  if (w.size(1) != channels / groups)
    throw ShapeError("conv2d: weight " + to_string(w.shape()) + " expects " + std::to_string(w.size(1) * groups) +
                     " input channels (groups " + std::to_string(groups) + "), input " + to_string(x.shape()) +
                     " has " + std::to_string(channels));
  if (bias) {
    check_dtype(*bias, DType::Float32, op);
    if (bias->dim() != 1 || bias->size(0) != out_channels)
      throw ShapeError("conv2d: bias " + to_string(bias->shape()) + " does not fit weight " + to_string(w.shape()) +
                       " (expected [" + std::to_string(out_channels) + "])");
  }
  const Pair kernel{w.size(2), w.size(3)};
  if (kernel[0] < 1 || kernel[1] < 1) throw ShapeError("conv2d: weight " + to_string(w.shape()) + " has an empty kernel");
  const int64_t out_h = image::output_extent(x, 0, kernel, stride, padding, dilation, op);
  const int64_t out_w = image::output_extent(x, 1, kernel, stride, padding, dilation, op);
  return {x.size(0), channels, x.size(2), x.size(3), out_channels, kernel[0], kernel[1], out_h, out_w, groups,
          stride, padding, dilation};
}

// Samples per parallel chunk of the im2col path, and so per weight-gradient partial sum: a
// geometry's own, never the thread count's. Small images (ResNet's 4x4 and 7x7 stages) take up to
// 64 samples so each GEMM has about 1024 columns; bigger ones kBatchChunk.
int64_t gemm_chunk(const ConvGeometry& g) {
  return std::clamp<int64_t>(1024 / std::max<int64_t>(g.positions(), 1), kBatchChunk, 64);
}

// out [O, M] = weight [O, Kg] @ cols [K, M], group by group.
void grouped_forward(const ConvGeometry& g, const Tensor& w2, const Tensor& cols, Tensor& out) {
  for (int64_t grp = 0; grp < g.groups; ++grp) {
    Tensor out_g = out.narrow(0, grp * g.group_out(), g.group_out());
    gemm_into(out_g, w2.narrow(0, grp * g.group_out(), g.group_out()), cols.narrow(0, grp * g.group_rows(), g.group_rows()),
              0.0f, 1.0f);
  }
}

// Samples per GEMM: LeNet's per-sample products (16x150 @ 150x100) are too small for sgemm to
// reach its rate, so a few samples' columns go side by side, up to about 1024 columns; more
// (or conv1's 784-column samples side by side) no longer fit in L2 and run slower.
int64_t samples_per_gemm(const ConvGeometry& g) {
  return std::clamp<int64_t>(1024 / std::max<int64_t>(g.positions(), 1), 1, gemm_chunk(g));
}

// A 1x1 kernel at stride 1 without padding or dilation, one sample a GEMM (images over 512
// positions): a sample's columns [C, L] are the sample itself, so the GEMMs read x and write dx
// where im2col and col2im would copy (NiN's 32 -> 32 on 28x28, batch 128, forward and backward:
// 12.6 -> 11.0 ms).
bool columns_are_input(const ConvGeometry& g) {
  return g.kh == 1 && g.kw == 1 && g.stride == Pair{1, 1} && g.padding == Pair{0, 0} && g.dilation == Pair{1, 1} &&
         samples_per_gemm(g) == 1;
}

// The columns of samples [b, e) as the GEMMs read them: a range of the whole batch's kept
// columns [K, N*L], or where the columns are the input, sample b of x [N, C, H, W].
Tensor columns_of(const ConvGeometry& g, const Tensor& kept, int64_t b, int64_t e) {
  if (columns_are_input(g)) return kept.narrow(0, b, 1).view({g.channels, g.positions()});
  return kept.narrow(1, b * g.positions(), (e - b) * g.positions());
}

// The columns of samples [b, e) side by side: [K, (e-b)*L], sample b+j's at column j*L. Written
// into `all` (the whole batch's [K, N*L], kept for the backward) when it is defined.
Tensor chunk_columns(const ConvGeometry& g, const Tensor& xt, int64_t b, int64_t e, const Tensor& all,
                     std::vector<float>& padded) {
  if (columns_are_input(g)) return columns_of(g, xt, b, e);
  const float* x = xt.data<float>();
  const int64_t positions = g.positions();
  Tensor cols = all.defined() ? all.narrow(1, b * positions, (e - b) * positions)
                              : Tensor::empty({g.col_rows(), (e - b) * positions});
  const int64_t ld = cols.strides()[0];
  for (int64_t n = b; n < e; ++n)
    im2col(g, pad_sample(g, x + n * g.sample_size(), padded), cols.data<float>() + (n - b) * positions, ld);
  return cols;
}

// Calls body(b, e) for consecutive runs of samples_per_gemm samples covering [begin, end).
template <class Body>
void for_each_gemm_run(const ConvGeometry& g, int64_t begin, int64_t end, Body&& body) {
  const int64_t step = samples_per_gemm(g);
  for (int64_t b = begin; b < end; b += step) body(b, std::min(end, b + step));
}

// `kept` receives the whole batch's columns (for the weight gradient) when it is given.
Tensor conv_forward(const ConvGeometry& g, const Tensor& x, const Tensor& w2, const Tensor* bias, Activation activation,
                    const PoolAfter& pool, Tensor* kept) {
  Tensor out = Tensor::empty({g.batch, g.out_channels, g.out_h, g.out_w});
  const float* bp = bias ? bias->data<float>() : nullptr;
  const int64_t positions = g.positions();
  if (kept) *kept = columns_are_input(g) ? x : Tensor::empty({g.col_rows(), g.batch * positions});
  const Tensor all = kept && !columns_are_input(g) ? *kept : Tensor();
  parallel_chunks(g.batch, gemm_chunk(g), [&](int64_t begin, int64_t end) {
    std::vector<float> padded;
    for_each_gemm_run(g, begin, end, [&](int64_t b, int64_t e) {
      const Tensor cols = chunk_columns(g, x, b, e, all, padded);
      Tensor product = Tensor::empty({g.out_channels, (e - b) * positions});
      grouped_forward(g, w2, cols, product);
      const float* pp = product.data<float>();
      float* op = out.data<float>();
      with_activation(activation, [&](auto a) {
        for (int64_t n = b; n < e; ++n)
          for (int64_t c = 0; c < g.out_channels; ++c) {
            const float* src = pp + c * product.size(1) + (n - b) * positions;
            float* dst = op + (n * g.out_channels + c) * positions;
            const float shift = bp ? bp[c] : 0.0f;
            for (int64_t l = 0; l < positions; ++l) dst[l] = activate(a(), src[l] + shift);
          }
      });
      for (int64_t n = b; n < e; ++n) pool.sample_done(g, op + n * g.out_channels * positions, n);
    });
  });
  return out;
}

// The output gradient of samples [b, e) side by side as [O, (e-b)*L], matching chunk_columns.
Tensor chunk_output_grad(const ConvGeometry& g, const Tensor& go, int64_t b, int64_t e) {
  const int64_t positions = g.positions(), width = (e - b) * positions;
  if (e - b == 1) return go.narrow(0, b, 1).view({g.out_channels, positions});
  Tensor side = Tensor::empty({g.out_channels, width});
  const float* src = go.data<float>();
  float* dst = side.data<float>();
  for (int64_t n = b; n < e; ++n)
    for (int64_t c = 0; c < g.out_channels; ++c)
      std::copy_n(src + (n * g.out_channels + c) * positions, positions, dst + c * width + (n - b) * positions);
  return side;
}

// Gradients of x and of the weight (as [O, Kg]) for the output gradient go [N, O, L]; the weight
// gradient reads the forward's columns `cols` [K, N*L].
void conv_backward(const ConvGeometry& g, const Tensor& cols, const Tensor& w2, const Tensor& go, Tensor* dx,
                   Tensor* dw) {
  const int64_t positions = g.positions(), chunk = gemm_chunk(g), chunks = (g.batch + chunk - 1) / chunk;
  std::vector<Tensor> dw_parts(static_cast<size_t>(dw ? chunks : 0));
  parallel_chunks(g.batch, chunk, [&](int64_t begin, int64_t end) {
    Tensor dw_part = dw ? Tensor::empty({g.out_channels, g.group_rows()}) : Tensor();
    std::vector<float> padded_grad;
    for_each_gemm_run(g, begin, end, [&](int64_t b, int64_t e) {
      const Tensor go_chunk = chunk_output_grad(g, go, b, e);
      if (dw) {
        const Tensor chunk = columns_of(g, cols, b, e);
        const float beta = b == begin ? 0.0f : 1.0f;
        for (int64_t grp = 0; grp < g.groups; ++grp) {
          Tensor part_g = dw_part.narrow(0, grp * g.group_out(), g.group_out());
          gemm_into(part_g, go_chunk.narrow(0, grp * g.group_out(), g.group_out()),
                    chunk.narrow(0, grp * g.group_rows(), g.group_rows()).t(), beta, 1.0f);
        }
      }
      if (dx) {
        // Where the columns are the input, their gradient is dx's sample itself.
        Tensor dcols = columns_are_input(g) ? columns_of(g, *dx, b, e)
                                            : Tensor::empty({g.col_rows(), (e - b) * positions});
        for (int64_t grp = 0; grp < g.groups; ++grp) {
          Tensor dcols_g = dcols.narrow(0, grp * g.group_rows(), g.group_rows());
          gemm_into(dcols_g, w2.narrow(0, grp * g.group_out(), g.group_out()).t(),
                    go_chunk.narrow(0, grp * g.group_out(), g.group_out()), 0.0f, 1.0f);
        }
        if (!columns_are_input(g))
          for (int64_t n = b; n < e; ++n)
            col2im(g, dcols.data<float>() + (n - b) * positions, dcols.size(1), dx->data<float>() + n * g.sample_size(),
                   padded_grad);
      }
    });
    if (dw) dw_parts[static_cast<size_t>(begin / chunk)] = std::move(dw_part);
  });
  if (!dw) return;
  if (dw_parts.empty()) {  // an empty batch
    *dw = Tensor::zeros({g.out_channels, g.group_rows()});
    return;
  }
  *dw = std::move(dw_parts[0]);
  for (size_t i = 1; i < dw_parts.size(); ++i) dw->add_(dw_parts[i]);
}

// The gradients as conv2d's inputs take them: x's, the weight's in its 4-D shape, the bias's
// (summed from go unless given).
void set_conv_grads(const ConvGeometry& g, const Tensor& go, Tensor dx, Tensor dw, Tensor db, Grads gi,
                    const Node& node) {
  if (dx.defined()) gi[0] = std::move(dx);
  if (dw.defined()) gi[1] = dw.view({g.out_channels, g.channels / g.groups, g.kh, g.kw});
  if (!node.needs_input_grad(2)) return;
  gi[2] = db.defined() ? std::move(db) : minidl::sum(minidl::sum(go, 2), 0);
}

// Output rows from this width up are pooled by the convolution itself; narrower ones by
// avg_pool2d after it. Reading a narrow row back pooled (a masked vector and a call per row) cost
// more than the pool's own passes: LeNet's second layer (10 columns) with its sigmoid and pool
// took 3.52 ms a batch as two ops and 3.70 ms as one; its first (28 columns) 2.05 and 1.87 ms.
constexpr int64_t kMinPooledRow = 16;

// A way to compute a convolution without im2col + sgemm: from x and the weight [O, C*kh*kw].
struct DirectLoops {
  Tensor (*forward)(const ConvGeometry&, const Tensor& x, const Tensor& weight, const Tensor* bias, Activation,
                    const PoolAfter&);
  void (*backward)(const ConvGeometry&, const Tensor& x, const Tensor& weight, const OutputGrad& go, Tensor* dx,
                   Tensor* dw, Tensor* db);
};

// The direct loops that beat im2col + sgemm for this geometry, if any.
std::optional<DirectLoops> direct_loops_for(const ConvGeometry& g) {
  if (direct_fits(g)) return DirectLoops{direct_forward, direct_backward};
  // Tiny images first: on 2x2 images the dense product took 0.40 ms where the channel loops took
  // 0.88 (32 -> 32, 3x3, batch 256, one thread); on 3x3, 1.58 against 1.44.
  if (dense_fits(g)) return DirectLoops{dense_forward, dense_backward};
  if (channel_loops_fit(g)) return DirectLoops{channel_loops_forward, channel_loops_backward};
  return std::nullopt;
}

}  // namespace

namespace conv {

Tensor gradient_before_activation(const OutputGrad& go) {
  if (go.activation == Activation::None && go.pool == 1) return go.tensor;
  const Shape& shape = go.tensor.shape();
  const int64_t positions = go.pool == 1 ? shape[2] : go.out_h * go.out_w;
  Tensor out = Tensor::empty({shape[0], shape[1], positions});
  float* op = out.data<float>();
  with_activation(go.activation, [&](auto a) {
    parallel_for(shape[0] * shape[1], std::max<int64_t>(1, kGrainSize / std::max<int64_t>(positions, 1)),
                 [&](int64_t b, int64_t e) {
                   for (int64_t p = b; p < e; ++p) go.plane_before_activation<a()>(p, op + p * positions);
                 });
  });
  return out;
}

}  // namespace conv

Variable conv2d(const Variable& x, const Variable& weight, const Variable& bias, Size2 stride, Size2 padding,
                Size2 dilation, int64_t groups, Activation activation, int64_t average_pool) {
  const ConvGeometry g = conv_geometry(x.data(), weight.data(), bias.defined() ? &bias.data() : nullptr, stride,
                                       padding, dilation, groups);
  if (average_pool < 1) throw ValueError("conv2d: average_pool must be >= 1, got " + std::to_string(average_pool));
  if (average_pool > g.out_h || average_pool > g.out_w)
    throw ShapeError("conv2d: average_pool " + std::to_string(average_pool) + " is larger than the output " +
                     std::to_string(g.out_h) + "x" + std::to_string(g.out_w));
  if (average_pool > 1 && g.out_w < kMinPooledRow)
    return avg_pool2d(conv2d(x, weight, bias, stride, padding, dilation, groups, activation), average_pool);
  if (phases_fit(g)) {
    const ConvGeometry p = phase_geometry(g);
    return conv2d(stride_phases(x, g.stride, g.padding, {p.height, p.width}),
                  stride_phases(weight, g.stride, 0, {p.kh, p.kw}), bias, 1, 0, 1, 1, activation, average_pool);
  }
  const Tensor xc = x.data().contiguous();
  const Tensor w2 = weight.data().contiguous().view({g.out_channels, g.group_rows()});
  const Tensor bc = bias.defined() ? bias.data().contiguous() : Tensor();
  const int64_t k = average_pool;
  Tensor pooled = k == 1 ? Tensor() : Tensor::empty({g.batch, g.out_channels, g.out_h / k, g.out_w / k});
  const PoolAfter pool{k, k == 1 ? nullptr : pooled.data<float>()};
  // The op's output: y (the activation's output, which the backward reads the slope from), or
  // with a pool the pooled y.
  const auto result = [&](Tensor y) { return k == 1 ? std::move(y) : pooled; };
  const auto output_grad = [g, activation, k](const Tensor& grad, const Tensor& y) {
    const Tensor go = grad.contiguous().view({g.batch, g.out_channels, (g.out_h / k) * (g.out_w / k)});
    return OutputGrad{go, y.defined() ? y.view({g.batch, g.out_channels, g.positions()}) : Tensor(), activation, k,
                      g.out_h, g.out_w};
  };
  static constexpr const char* name = "Conv2d";
  if (const std::optional<DirectLoops> loops = direct_loops_for(g)) {
    Tensor out = loops->forward(g, xc, w2, bias.defined() ? &bc : nullptr, activation, pool);
    const SavedTensor saved_out = activation == Activation::None ? SavedTensor() : SavedTensor(out);
    return record(name, result(std::move(out)), {&x, &weight, &bias},
                  [g, loops = *loops, activation, output_grad, sx = SavedTensor(xc), sw = SavedTensor(w2), saved_out](
                      const Tensor& grad, Grads gi, const Node& node) {
                    const OutputGrad go =
                        output_grad(grad, activation == Activation::None ? Tensor() : saved_out.get(name));
                    Tensor dx, dw, db;
                    loops.backward(g, sx.get(name), sw.get(name), go, node.needs_input_grad(0) ? &dx : nullptr,
                                   node.needs_input_grad(1) ? &dw : nullptr, node.needs_input_grad(2) ? &db : nullptr);
                    set_conv_grads(g, go.tensor, std::move(dx), std::move(dw), std::move(db), gi, node);
                  });
  }
  // The forward's columns are all the weight gradient needs (x itself is not saved, unless it is
  // the columns).
  const bool keep_columns = should_record({&x, &weight, &bias}) && weight.requires_grad();
  Tensor columns;
  Tensor out =
      conv_forward(g, xc, w2, bias.defined() ? &bc : nullptr, activation, pool, keep_columns ? &columns : nullptr);
  const SavedTensor saved_out = activation == Activation::None ? SavedTensor() : SavedTensor(out);
  return record(name, result(std::move(out)), {&x, &weight, &bias},
                [g, activation, output_grad, sw = SavedTensor(w2),
                 columns = columns.defined() ? SavedTensor(columns) : SavedTensor(),
                 saved_out](const Tensor& grad, Grads gi, const Node& node) {
                  const Tensor before = gradient_before_activation(
                      output_grad(grad, activation == Activation::None ? Tensor() : saved_out.get(name)));
                  // col2im adds into dx; the GEMMs write all of it where the columns are the input.
                  const Shape dx_shape{g.batch, g.channels, g.height, g.width};
                  Tensor dx = !node.needs_input_grad(0) ? Tensor()
                              : columns_are_input(g)    ? Tensor::empty(dx_shape)
                                                        : Tensor::zeros(dx_shape);
                  Tensor dw;
                  const bool weight_grad = node.needs_input_grad(1);
                  conv_backward(g, weight_grad ? columns.get(name) : Tensor(), sw.get(name), before,
                                dx.defined() ? &dx : nullptr, weight_grad ? &dw : nullptr);
                  set_conv_grads(g, before, std::move(dx), std::move(dw), Tensor(), gi, node);
                });
}

}  // namespace minidl
