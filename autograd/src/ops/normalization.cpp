// batch_norm and layer_norm: statistics summed in double in a fixed order (one channel or one
// row per task), so any thread count gives the same bits; backward beside each forward.
#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <tuple>
#include <vector>

#include "minidl/autograd/image_ops.hpp"
#include "minidl/autograd/node.hpp"
#include "minidl/core/parallel.hpp"

namespace minidl {

using Grads = std::span<Tensor>;

namespace {

// Per-group (channel or row) mean and 1/sqrt(var + eps), kept for backward.
struct Stats {
  std::vector<double> mean, invstd;
};

// Throws unless an affine parameter `what` is undefined or has `shape`.
void check_affine(const Variable& v, const Shape& shape, const Tensor& x, const char* op, const char* what) {
  if (!v.defined()) return;
  check_dtype(v.data(), DType::Float32, op);
  if (v.shape() != shape)
    throw ShapeError(std::string(op) + ": " + what + " " + to_string(v.shape()) + " does not fit input " +
                     to_string(x.shape()) + " (expected " + to_string(shape) + ")");
}

const float* data_or_null(const Variable& v) { return v.defined() ? v.data().data<float>() : nullptr; }

// Sum of f(i) for i in [0, n) in 8 interleaved double lanes: a fixed order (the same bits every
// time, for any thread count) without one long chain of dependent additions.
template <class F>
double lane_sum(int64_t n, F&& f) {
  double lanes[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) lanes[j] += f(i + j);
  for (int j = 0; i + j < n; ++j) lanes[j] += f(i + j);
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}

// lane_sum's eight lanes as a GCC/Clang vector, for sums over contiguous floats: written as
// lane_sum's array, through lambdas, GCC ran them one element at a time. (A 64-byte vector
// returned by value changes the calling convention without AVX-512: only these file-local,
// inlined helpers pass one.)
#pragma GCC diagnostic ignored "-Wpsabi"
using Floats8 = float __attribute__((vector_size(8 * sizeof(float))));
using Doubles8 = double __attribute__((vector_size(8 * sizeof(double))));

Doubles8 doubles_at(const float* p) {
  Floats8 v;
  std::memcpy(&v, p, sizeof v);
  return __builtin_convertvector(v, Doubles8);
}

// lane_sum's final combination of its lanes.
double lanes_total(const Doubles8& s) { return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7])); }

// lane_sum(n, row[i]), the same bits.
double sum_of(const float* row, int64_t n) {
  Doubles8 lanes = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) lanes += doubles_at(row + i);
  for (int l = 0; i + l < n; ++l) lanes[l] += row[i + l];
  return lanes_total(lanes);
}

// lane_sum(n, (row[i] - mean)^2), the same bits.
double sum_of_squared_deviations(const float* row, int64_t n, double mean) {
  Doubles8 lanes = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const Doubles8 d = doubles_at(row + i) - mean;
    lanes += d * d;
  }
  for (int l = 0; i + l < n; ++l) {
    const double d = row[i + l] - mean;
    lanes[l] += d * d;
  }
  return lanes_total(lanes);
}

// Mean and biased variance (two passes) of `count` values in rows: for_each_row(visit) calls
// visit(row, length) for each row of contiguous values, in a fixed order.
template <class ForEachRow>
std::pair<double, double> mean_and_variance(int64_t count, ForEachRow&& for_each_row) {
  double s = 0.0;
  for_each_row([&](const float* row, int64_t n) { s += sum_of(row, n); });
  const double mean = s / static_cast<double>(count);
  double sq = 0.0;
  for_each_row([&](const float* row, int64_t n) { sq += sum_of_squared_deviations(row, n, mean); });
  return {mean, sq / static_cast<double>(count)};
}

// Grain for loops over groups of `size` elements each.
int64_t group_grain(int64_t size) { return std::max<int64_t>(1, kGrainSize / std::max<int64_t>(size, 1)); }

// Calls f(i, c) for every element i of x [N, C, inner] with its channel c, in parallel. With
// inner == 1 (BatchNorm1d's [N, C]) a row holds every channel once: the loop runs over whole
// rows, vectorised over the channels, not over N*C runs of one element each.
template <class F>
void for_each_element(int64_t batch, int64_t channels, int64_t inner, F&& f) {
  if (inner == 1) {
    parallel_for(batch, group_grain(channels), [&](int64_t n0, int64_t n1) {
      for (int64_t n = n0; n < n1; ++n)
        for (int64_t c = 0; c < channels; ++c) f(n * channels + c, c);
    });
    return;
  }
  parallel_for(batch * channels, group_grain(inner), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t c = r % channels;
      for (int64_t i = 0; i < inner; ++i) f(r * inner + i, c);
    }
  });
}

// sums[k][c] = the sum of the k-th term(i, c) over channel c's elements of [N, C, inner], in
// double, each channel in a fixed order (rows n in turn, each row by lane_sum), so any thread
// count gives the same bits. The rows are summed in memory order (channel by channel, a row of
// [N, C, 24, 24] is 2 kB in a 3.5 MB tensor, and the loads waited on memory), then added per
// channel in row order. With inner == 1 the rows are walked once for all channels.
template <class... Terms>
std::array<std::vector<double>, sizeof...(Terms)> channel_sums(int64_t batch, int64_t channels, int64_t inner,
                                                               Terms&&... terms) {
  std::array<std::vector<double>, sizeof...(Terms)> sums;
  for (auto& s : sums) s.assign(static_cast<size_t>(channels), 0.0);
  if (inner == 1) {
    for (int64_t n = 0; n < batch; ++n)
      for (int64_t c = 0; c < channels; ++c) {
        size_t k = 0;
        ((sums[k++][static_cast<size_t>(c)] += terms(n * channels + c, c)), ...);
      }
    return sums;
  }
  constexpr size_t kTerms = sizeof...(Terms);
  std::vector<double> row_sums(static_cast<size_t>(batch * channels) * kTerms);
  parallel_for(batch * channels, group_grain(inner), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const int64_t c = r % channels;
      double* out = row_sums.data() + static_cast<size_t>(r) * kTerms;
      ((*out++ = lane_sum(inner, [&](int64_t i) { return terms(r * inner + i, c); })), ...);
    }
  });
  for (int64_t r = 0; r < batch * channels; ++r)
    for (size_t k = 0; k < kTerms; ++k) sums[k][static_cast<size_t>(r % channels)] += row_sums[static_cast<size_t>(r) * kTerms + k];
  return sums;
}

// Per channel of x [N, C, inner]: the mean and the biased variance, in double, in a fixed order.
// With inner == 1, two passes over the rows (the mean, then the squared deviations from it).
// Otherwise each row's mean and squared deviations (two passes over a row in cache), then the
// rows combined per channel in row order (Chan et al.'s pairwise update): one pass over x
// instead of two.
std::pair<std::vector<double>, std::vector<double>> channel_moments(int64_t batch, int64_t channels, int64_t inner,
                                                                    const float* x) {
  const int64_t count = batch * inner;
  std::vector<double> mean(static_cast<size_t>(channels)), variance(static_cast<size_t>(channels));
  if (inner == 1) {
    const auto [sums] = channel_sums(batch, channels, inner, [&](int64_t i, int64_t) { return double(x[i]); });
    for (int64_t c = 0; c < channels; ++c) mean[static_cast<size_t>(c)] = sums[static_cast<size_t>(c)] / count;
    const auto [squares] = channel_sums(batch, channels, inner, [&](int64_t i, int64_t c) {
      const double d = x[i] - mean[static_cast<size_t>(c)];
      return d * d;
    });
    for (int64_t c = 0; c < channels; ++c) variance[static_cast<size_t>(c)] = squares[static_cast<size_t>(c)] / count;
    return {mean, variance};
  }
  std::vector<std::pair<double, double>> rows(static_cast<size_t>(batch * channels));
  parallel_for(batch * channels, group_grain(inner), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r)
      rows[static_cast<size_t>(r)] = mean_and_variance(inner, [&](auto&& visit) { visit(x + r * inner, inner); });
  });
  const double n_row = static_cast<double>(inner);
  for (int64_t c = 0; c < channels; ++c) {
    double n = 0.0, m = 0.0, squares = 0.0;
    for (int64_t b = 0; b < batch; ++b) {
      const auto [row_mean, row_variance] = rows[static_cast<size_t>(b * channels + c)];
      const double delta = row_mean - m, total = n + n_row;
      m += delta * (n_row / total);
      squares += row_variance * n_row + delta * delta * (n * n_row / total);
      n = total;
    }
    mean[static_cast<size_t>(c)] = m;
    variance[static_cast<size_t>(c)] = squares / static_cast<double>(count);
  }
  return {mean, variance};
}

void check_running(const Tensor* t, int64_t channels, const Tensor& x, const char* what) {
  if (!t) return;
  check_dtype(*t, DType::Float32, "batch_norm");
  if (t->shape() != Shape{channels} || !t->is_contiguous())
    throw ShapeError(std::string("batch_norm: ") + what + " " + to_string(t->shape()) + " does not fit input " +
                     to_string(x.shape()) + " (expected a contiguous [" + std::to_string(channels) + "])");
}

// batch_norm's gradients from grad(i), its output's gradient before the activation, for x
// [N, C, inner] at xp (of `shape`) and the weight at wp (null without one).
template <class Grad>
void batch_norm_backward(const Grad& grad, const float* xp, const Shape& shape, const float* wp, const Stats& stats,
                         bool training, int64_t batch, int64_t channels, int64_t inner, Grads gi, const Node& node) {
  const int64_t count = batch * inner;
  // Per channel: sum(g) and sum(g * (x - mean)), in double.
  const double* mean = stats.mean.data();
  const auto [sum_g, sum_gx] = channel_sums(
      batch, channels, inner, [&](int64_t i, int64_t) { return double(grad(i)); },
      [&](int64_t i, int64_t c) { return grad(i) * (xp[i] - mean[c]); });
  if (node.needs_input_grad(0)) {
    // training: dx = (g - mean(g) - (x - mean) * invstd^2 * mean(g * (x - mean))) * invstd * w;
    // evaluation (constant statistics): dx = g * invstd * w.
    std::vector<float> scale(static_cast<size_t>(channels)), shift(static_cast<size_t>(channels)),
        x_coef(static_cast<size_t>(channels));
    for (int64_t c = 0; c < channels; ++c) {
      const size_t i = static_cast<size_t>(c);
      const double invstd = stats.invstd[i], s = invstd * (wp ? wp[c] : 1.0);
      const double k = training ? sum_gx[i] / count * invstd * invstd : 0.0;
      const double mean_g = training ? sum_g[i] / count : 0.0;
      scale[i] = static_cast<float>(s);
      x_coef[i] = static_cast<float>(k * s);
      shift[i] = static_cast<float>((k * stats.mean[i] - mean_g) * s);
    }
    Tensor dx = Tensor::empty(shape);
    float* dp = dx.data<float>();
    const float *sp = scale.data(), *kp = x_coef.data(), *hp = shift.data();
    for_each_element(batch, channels, inner,
                     [&](int64_t i, int64_t c) { dp[i] = grad(i) * sp[c] - xp[i] * kp[c] + hp[c]; });
    gi[0] = std::move(dx);
  }
  if (node.needs_input_grad(1)) {
    Tensor dw = Tensor::empty({channels});
    for (int64_t c = 0; c < channels; ++c)
      dw.data<float>()[c] = static_cast<float>(sum_gx[static_cast<size_t>(c)] * stats.invstd[static_cast<size_t>(c)]);
    gi[1] = std::move(dw);
  }
  if (node.needs_input_grad(2)) {
    Tensor db = Tensor::empty({channels});
    for (int64_t c = 0; c < channels; ++c) db.data<float>()[c] = static_cast<float>(sum_g[static_cast<size_t>(c)]);
    gi[2] = std::move(db);
  }
}

// One row of LayerNorm's input gradient, dx = invstd * (dxhat - mean(dxhat) - xhat *
// mean(dxhat * xhat)) with dxhat = g * w: both means in one pass, in lane_sum's lanes and order
// (through lane_sum they were half of LayerNorm's forward and backward at [256, 1024]).
template <bool HasWeight>
void layer_norm_input_grad_row(const float* __restrict g, const float* __restrict x, const float* __restrict w,
                               float* __restrict dx, int64_t cols, double mean, double invstd) {
  Doubles8 a_lanes = {}, b_lanes = {};
  int64_t i = 0;
  for (; i + 8 <= cols; i += 8) {
    Floats8 gv;
    std::memcpy(&gv, g + i, sizeof gv);
    if constexpr (HasWeight) {
      Floats8 wv;
      std::memcpy(&wv, w + i, sizeof wv);
      gv *= wv;
    }
    const Doubles8 d = __builtin_convertvector(gv, Doubles8);
    const Doubles8 xhat = (doubles_at(x + i) - mean) * invstd;
    a_lanes += d;
    b_lanes += d * xhat;
  }
  auto dxhat = [&](int64_t j) { return static_cast<double>(HasWeight ? g[j] * w[j] : g[j]); };
  auto xhat = [&](int64_t j) { return (x[j] - mean) * invstd; };
  for (int l = 0; i + l < cols; ++l) {
    a_lanes[l] += dxhat(i + l);
    b_lanes[l] += dxhat(i + l) * xhat(i + l);
  }
  const double a = lanes_total(a_lanes) / static_cast<double>(cols), b = lanes_total(b_lanes) / static_cast<double>(cols);
  for (int64_t j = 0; j < cols; ++j) dx[j] = static_cast<float>(invstd * (dxhat(j) - a - xhat(j) * b));
}

}  // namespace

Variable batch_norm(const Variable& x, const Variable& weight, const Variable& bias, Tensor* running_mean,
                    Tensor* running_var, bool training, double momentum, double eps, Activation activation) {
  constexpr const char* op = "batch_norm";
  check_dtype(x.data(), DType::Float32, op);
  if (x.dim() < 2)
    throw ShapeError(std::string(op) + ": input must be [N, C] or [N, C, ...], got shape " + to_string(x.shape()));
  const int64_t batch = x.size(0), channels = x.size(1), inner = x.numel() / std::max<int64_t>(batch * channels, 1);
  const int64_t count = batch * inner;  // values per channel
  check_affine(weight, {channels}, x.data(), op, "weight");
  check_affine(bias, {channels}, x.data(), op, "bias");
  check_running(running_mean, channels, x.data(), "running_mean");
  check_running(running_var, channels, x.data(), "running_var");
  if (!(eps >= 0)) throw ValueError("batch_norm: eps must be >= 0, got " + std::to_string(eps));
  if (training && count <= 1)
    throw ValueError("batch_norm: expected more than 1 value per channel when training, got input " +
                     to_string(x.shape()));
  if (!training && (!running_mean || !running_var))
    throw ValueError("batch_norm: evaluation (training=false) needs running_mean and running_var");

  const Tensor xc = x.data().contiguous();
  const float* xp = xc.data<float>();
  auto stats = std::make_shared<Stats>();
  stats->mean.resize(static_cast<size_t>(channels));
  stats->invstd.resize(static_cast<size_t>(channels));
  if (training) {
    std::vector<double> variance;
    std::tie(stats->mean, variance) = channel_moments(batch, channels, inner, xp);
    for (int64_t c = 0; c < channels; ++c) {
      const size_t i = static_cast<size_t>(c);
      stats->invstd[i] = 1.0 / std::sqrt(variance[i] + eps);
    }
    const double unbias = static_cast<double>(count) / static_cast<double>(count - 1);
    for (int64_t c = 0; c < channels; ++c) {
      const size_t i = static_cast<size_t>(c);
      if (running_mean) {
        float& r = running_mean->data<float>()[c];
        r = static_cast<float>((1.0 - momentum) * r + momentum * stats->mean[i]);
      }
      if (running_var) {
        float& r = running_var->data<float>()[c];
        r = static_cast<float>((1.0 - momentum) * r + momentum * variance[i] * unbias);
      }
    }
    if (running_mean) running_mean->bump_version();
    if (running_var) running_var->bump_version();
  } else {
    const float* rm = running_mean->data<float>();
    const float* rv = running_var->data<float>();
    for (int64_t c = 0; c < channels; ++c) {
      stats->mean[static_cast<size_t>(c)] = rm[c];
      stats->invstd[static_cast<size_t>(c)] = 1.0 / std::sqrt(static_cast<double>(rv[c]) + eps);
    }
  }

  // y = x * alpha + beta per channel, alpha = invstd * w, beta = b - mean * alpha (as PyTorch).
  const float* wp = data_or_null(weight);
  const float* bp = data_or_null(bias);
  std::vector<float> alpha(static_cast<size_t>(channels)), beta(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const size_t i = static_cast<size_t>(c);
    const double a = stats->invstd[i] * (wp ? wp[c] : 1.0);
    alpha[i] = static_cast<float>(a);
    beta[i] = static_cast<float>((bp ? bp[c] : 0.0) - stats->mean[i] * a);
  }
  Tensor out = Tensor::empty(xc.shape());
  float* yp = out.data<float>();
  const float* a = alpha.data();
  const float* b = beta.data();
  with_activation(activation, [&](auto act) {
    for_each_element(batch, channels, inner, [&](int64_t i, int64_t c) { yp[i] = activate(act(), xp[i] * a[c] + b[c]); });
  });
  const SavedTensor saved_out = activation == Activation::None ? SavedTensor() : SavedTensor(out);

  return record(
      "BatchNorm", std::move(out), {&x, &weight, &bias},
      [sx = SavedTensor(xc), sw = weight.defined() ? SavedTensor(weight.data().contiguous()) : SavedTensor(), stats,
       training, batch, channels, inner, has_weight = weight.defined(), activation,
       saved_out](const Tensor& g, Grads gi, const Node& node) {
        const Tensor gc = g.contiguous();
        const Tensor& xv = sx.get("BatchNorm");
        const float* xp = xv.data<float>();
        const float* wp = has_weight ? sw.get("BatchNorm").data<float>() : nullptr;
        const float* out = activation == Activation::None ? nullptr : saved_out.get("BatchNorm").data<float>();
        with_activation(activation, [&](auto act) {
          // The gradient before the activation, element by element as the passes below read it:
          // never a tensor of its own.
          const float* gp = gc.data<float>();
          const auto grad = [gp, out, act](int64_t i) {
            if constexpr (act() == Activation::None) return gp[i];
            else return gp[i] * activation_slope(act(), out[i]);
          };
          batch_norm_backward(grad, xp, xv.shape(), wp, *stats, training, batch, channels, inner, gi, node);
        });
      });
}

Variable layer_norm(const Variable& x, const Shape& normalized_shape, const Variable& weight, const Variable& bias,
                    double eps) {
  constexpr const char* op = "layer_norm";
  check_dtype(x.data(), DType::Float32, op);
  const int nd = normalized_shape.size();
  bool fits = nd >= 1 && nd <= x.dim();
  for (int i = 0; fits && i < nd; ++i) fits = x.shape()[x.dim() - nd + i] == normalized_shape[i];
  if (!fits)
    throw ShapeError(std::string(op) + ": normalized_shape " + to_string(normalized_shape) +
                     " is not the trailing dims of input " + to_string(x.shape()));
  check_affine(weight, normalized_shape, x.data(), op, "weight");
  check_affine(bias, normalized_shape, x.data(), op, "bias");
  if (!(eps >= 0)) throw ValueError("layer_norm: eps must be >= 0, got " + std::to_string(eps));
  const int64_t cols = normalized_shape.numel(), rows = cols > 0 ? x.numel() / cols : 0;

  const Tensor xc = x.data().contiguous();
  const float* xp = xc.data<float>();
  const float* wp = data_or_null(weight);
  const float* bp = data_or_null(bias);
  auto stats = std::make_shared<Stats>();
  stats->mean.resize(static_cast<size_t>(rows));
  stats->invstd.resize(static_cast<size_t>(rows));
  Tensor out = Tensor::empty(xc.shape());
  float* yp = out.data<float>();
  parallel_for(rows, group_grain(cols), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* row = xp + r * cols;
      const auto [mean, var] = mean_and_variance(cols, [&](auto&& visit) { visit(row, cols); });
      const double invstd = 1.0 / std::sqrt(var + eps);
      stats->mean[static_cast<size_t>(r)] = mean;
      stats->invstd[static_cast<size_t>(r)] = invstd;
      for (int64_t j = 0; j < cols; ++j) {
        const float xhat = static_cast<float>((row[j] - mean) * invstd);
        yp[r * cols + j] = wp ? xhat * wp[j] + (bp ? bp[j] : 0.0f) : xhat + (bp ? bp[j] : 0.0f);
      }
    }
  });

  return record(
      "LayerNorm", std::move(out), {&x, &weight, &bias},
      [sx = SavedTensor(xc), sw = weight.defined() ? SavedTensor(weight.data().contiguous()) : SavedTensor(), stats,
       rows, cols, has_weight = weight.defined(), shape = normalized_shape](const Tensor& g, Grads gi, const Node& node) {
        const Tensor gc = g.contiguous();
        const Tensor& xv = sx.get("LayerNorm");
        const float* xp = xv.data<float>();
        const float* gp = gc.data<float>();
        const float* wp = has_weight ? sw.get("LayerNorm").data<float>() : nullptr;
        auto xhat = [&](int64_t r, int64_t j) {
          return (xp[r * cols + j] - stats->mean[static_cast<size_t>(r)]) * stats->invstd[static_cast<size_t>(r)];
        };
        if (node.needs_input_grad(0)) {
          Tensor dx = Tensor::empty(xv.shape());
          float* dp = dx.data<float>();
          parallel_for(rows, group_grain(cols), [&](int64_t r0, int64_t r1) {
            for (int64_t r = r0; r < r1; ++r) {
              const double mean = stats->mean[static_cast<size_t>(r)], invstd = stats->invstd[static_cast<size_t>(r)];
              const int64_t at = r * cols;
              if (wp) layer_norm_input_grad_row<true>(gp + at, xp + at, wp, dp + at, cols, mean, invstd);
              else layer_norm_input_grad_row<false>(gp + at, xp + at, wp, dp + at, cols, mean, invstd);
            }
          });
          gi[0] = std::move(dx);
        }
        // dw = sum over rows of g * xhat, db = sum over rows of g: each column summed over the
        // rows in order, so any split of the columns gives the same bits.
        const bool need_w = node.needs_input_grad(1), need_b = node.needs_input_grad(2);
        if (!need_w && !need_b) return;
        Tensor dw = Tensor::empty(shape), db = Tensor::empty(shape);
        parallel_for(cols, group_grain(rows), [&](int64_t j0, int64_t j1) {
          std::vector<double> sw(static_cast<size_t>(j1 - j0)), sb(static_cast<size_t>(j1 - j0));
          for (int64_t r = 0; r < rows; ++r)
            for (int64_t j = j0; j < j1; ++j) {
              sw[static_cast<size_t>(j - j0)] += gp[r * cols + j] * xhat(r, j);
              sb[static_cast<size_t>(j - j0)] += gp[r * cols + j];
            }
          for (int64_t j = j0; j < j1; ++j) {
            dw.data<float>()[j] = static_cast<float>(sw[static_cast<size_t>(j - j0)]);
            db.data<float>()[j] = static_cast<float>(sb[static_cast<size_t>(j - j0)]);
          }
        });
        if (need_w) gi[1] = std::move(dw);
        if (need_b) gi[2] = std::move(db);
      });
}

}  // namespace minidl
