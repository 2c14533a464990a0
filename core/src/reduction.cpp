// Reductions and softmax. Every result is computed in an order fixed by the data's shape
// alone: whole-tensor reductions combine fixed 16384-element chunks in chunk order, and each
// output of a per-dim reduction is accumulated serially by one task. So results are bitwise
// identical for any thread count.
#include "minidl/core/reduction.hpp"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "exp_in_double.hpp"
#include "minidl/core/parallel.hpp"

namespace minidl {

namespace {

/// Elements per chunk of a whole-tensor reduction; fixed, so partials never depend on threads.
constexpr int64_t kChunk = 16384;
/// Columns per task when reducing over a dim that is not the innermost one.
constexpr int64_t kColumnBlock = 256;
/// Independent accumulators per run: enough to fill the vector units and hide add latency.
constexpr int kLanes = 16;

/// `a` seen as [outer, n, inner] around dim `d` (a must be contiguous).
struct Split {
  int64_t outer = 1, n = 1, inner = 1;
};

Split split_at(const Shape& shape, int d) {
  Split s;
  for (int i = 0; i < shape.size(); ++i) {
    if (i < d) s.outer *= shape[i];
    else if (i == d) s.n = shape[i];
    else s.inner *= shape[i];
  }
  return s;
}

/// The shape of a reduction over dim d.
Shape reduced_shape(const Shape& shape, int d, bool keepdim) {
  Shape out = shape;
  if (shape.empty()) return out;
  if (keepdim) out[d] = 1;
  else out.erase(d);
  return out;
}

/// Runs body(begin, end) over `rows` units of about `work` elements each, in parallel only
/// when the total exceeds the grain. Each unit is handled by exactly one task.
template <class Body>
void for_rows(int64_t rows, int64_t work, Body&& body) {
  const int64_t grain = std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, work));
  parallel_for(rows, grain, body);
}

/// Sum of term(i) for i in [0, n) in double: kLanes interleaved accumulators combined pairwise,
/// plus the tail in order, an order fixed by n alone (so by no thread count).
template <class Term>
double lanes_sum(int64_t n, Term&& term) {
  std::array<double, kLanes> acc{};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) acc[static_cast<size_t>(j)] += term(i + j);
  double tail = 0.0;
  for (; i < n; ++i) tail += term(i);
  for (int w = kLanes / 2; w >= 1; w /= 2)
    for (int j = 0; j < w; ++j) acc[static_cast<size_t>(j)] += acc[static_cast<size_t>(j + w)];
  return acc[0] + tail;
}

// Accumulating in double costs nothing here (the loop is bound by memory, not adds) and keeps
// a million-element sum exact to float precision, where float lanes drift by ~1e-5.
double sum_run(const float* x, int64_t n) {
  return lanes_sum(n, [x](int64_t i) { return static_cast<double>(x[i]); });
}

/// Sum of n contiguous floats: chunk partials added in double, in chunk order.
double sum_serial(const float* x, int64_t n) {
  double total = 0.0;
  for (int64_t b = 0; b < n; b += kChunk) total += sum_run(x + b, std::min(kChunk, n - b));
  return total;
}

/// The same sum, with the chunks spread over threads (identical result).
double sum_parallel(const float* x, int64_t n) {
  if (n <= kChunk) return sum_run(x, n);
  std::vector<double> partial(static_cast<size_t>((n + kChunk - 1) / kChunk));
  parallel_chunks(n, kChunk, [&](int64_t b, int64_t e) {
    partial[static_cast<size_t>(b / kChunk)] = sum_run(x + b, e - b);
  });
  double total = 0.0;
  for (double p : partial) total += p;
  return total;
}

/// Largest (Max) or smallest element of a run; NaN wins, as in torch.max.
template <bool Max>
float extreme_run(const float* x, int64_t n) {
  constexpr float init = Max ? -std::numeric_limits<float>::infinity() : std::numeric_limits<float>::infinity();
  // A NaN taken into a lane stays there (no comparison with it is true). In GCC/Clang vector
  // lanes: the same select written on an array stayed scalar (a compare and branch per element).
  using Floats = float __attribute__((vector_size(kLanes * sizeof(float))));
  auto take = [](float v, float best) { return (Max ? v > best : v < best) || v != v ? v : best; };
  float best = init;
  int64_t i = 0;
  if (n >= kLanes) {  // a 10-class row is done faster without lanes
    Floats acc;
    std::memcpy(&acc, x, sizeof acc);
    for (i = kLanes; i + kLanes <= n; i += kLanes) {
      Floats v;
      std::memcpy(&v, x + i, sizeof v);
      acc = ((Max ? v > acc : v < acc) | (v != v)) ? v : acc;
    }
    for (int j = 0; j < kLanes; ++j) best = take(acc[j], best);
  }
  for (; i < n; ++i) best = take(x[i], best);
  return best;
}

/// Index of the first largest element of a strided run; NaN counts as larger than anything.
int64_t argmax_run(const float* x, int64_t n, int64_t stride) {
  int64_t best = 0;
  float bv = x[0];
  if (bv != bv) return 0;
  for (int64_t i = 1; i < n; ++i) {
    const float v = x[i * stride];
    if (v != v) return i;
    if (v > bv) {
      bv = v;
      best = i;
    }
  }
  return best;
}

void check_nonempty(const Tensor& a, const char* op) {
  if (a.numel() == 0)
    throw ValueError(std::string(op) + ": cannot reduce an empty tensor of shape " + to_string(a.shape()) +
                     " (the operation has no identity); pass a dim to reduce a non-empty one");
}

void check_dim_nonempty(const Tensor& a, int d, const char* op) {
  if (a.dim() > 0 && a.shape()[d] == 0)
    throw ValueError(std::string(op) + ": cannot reduce over dim " + std::to_string(d) + " of size 0 in shape " +
                     to_string(a.shape()));
}

/// Reduces `a` along d: per output, row(x, n, stride) folds the n elements x[0], x[stride], ...
/// into an `Out`. Columns (inner > 1) are handed to `row` one at a time, strided.
template <class Out, class Row>
Tensor reduce_dim(const Tensor& a, int d, bool keepdim, DType out_dtype, Row row) {
  const Tensor x = a.contiguous();
  Tensor out = Tensor::empty(reduced_shape(a.shape(), d, keepdim), out_dtype);
  const Split s = split_at(a.shape(), d);
  const float* px = x.data<float>();
  Out* po = out.data<Out>();
  for_rows(s.outer * s.inner, s.n, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const int64_t o = r / s.inner, i = r % s.inner;
      po[r] = row(px + o * s.n * s.inner + i, s.n, s.inner);
    }
  });
  return out;
}

/// Sums over d: innermost rows use the chunked lane sum, other dims accumulate blocks of
/// columns in double (unit stride, so they vectorise), one task per block.
Tensor sum_dim(const Tensor& a, int d, bool keepdim) {
  const Tensor x = a.contiguous();
  Tensor out = Tensor::empty(reduced_shape(a.shape(), d, keepdim));
  const Split s = split_at(a.shape(), d);
  const float* px = x.data<float>();
  float* po = out.data<float>();
  if (s.inner == 1) {
    for_rows(s.outer, s.n, [&](int64_t b, int64_t e) {
      for (int64_t o = b; o < e; ++o) po[o] = static_cast<float>(sum_serial(px + o * s.n, s.n));
    });
    return out;
  }
  const int64_t blocks = (s.inner + kColumnBlock - 1) / kColumnBlock;
  for_rows(s.outer * blocks, s.n * kColumnBlock, [&](int64_t b, int64_t e) {
    std::array<double, kColumnBlock> acc;
    for (int64_t t = b; t < e; ++t) {
      const int64_t o = t / blocks, c0 = (t % blocks) * kColumnBlock;
      const int64_t width = std::min(kColumnBlock, s.inner - c0);
      std::fill_n(acc.begin(), width, 0.0);
      const float* base = px + o * s.n * s.inner + c0;
      for (int64_t j = 0; j < s.n; ++j)
        for (int64_t c = 0; c < width; ++c) acc[static_cast<size_t>(c)] += base[j * s.inner + c];
      for (int64_t c = 0; c < width; ++c) po[o * s.inner + c0 + c] = static_cast<float>(acc[static_cast<size_t>(c)]);
    }
  });
  return out;
}

template <bool Max>
Tensor extreme_all(const Tensor& a, const char* op) {
  check_dtype(a, DType::Float32, op);
  check_nonempty(a, op);
  const Tensor x = a.contiguous();
  const float* p = x.data<float>();
  const int64_t n = x.numel();
  if (n <= kChunk) return Tensor::scalar(extreme_run<Max>(p, n));
  std::vector<float> partial(static_cast<size_t>((n + kChunk - 1) / kChunk));
  parallel_chunks(n, kChunk, [&](int64_t b, int64_t e) {
    partial[static_cast<size_t>(b / kChunk)] = extreme_run<Max>(p + b, e - b);
  });
  return Tensor::scalar(extreme_run<Max>(partial.data(), static_cast<int64_t>(partial.size())));
}

template <bool Max>
Tensor extreme_dim(const Tensor& a, int64_t dim, bool keepdim, const char* op) {
  check_dtype(a, DType::Float32, op);
  const int d = normalize_dim(dim, a.dim(), op);
  check_dim_nonempty(a, d, op);
  return reduce_dim<float>(a, d, keepdim, DType::Float32, [](const float* x, int64_t n, int64_t stride) {
    if (stride == 1) return extreme_run<Max>(x, n);
    float best = x[0];
    for (int64_t j = 0; j < n && best == best; ++j) {
      const float v = x[j * stride];
      if (v != v || (Max ? v > best : v < best)) best = v;
    }
    return best;
  });
}

/// Sum over j of e^(x[j * stride] - md), in lanes_sum's order; where `store`, y[j * stride] =
/// that exp rounded to float.
template <bool Store, class Stride>
double sum_of_exps(const float* x, float* y, int64_t n, double md, Stride stride) {
  return lanes_sum(n, [=](int64_t j) {
    const double e = detail::exp_nonpositive_in_double(static_cast<double>(x[j * stride]) - md);
    if constexpr (Store) y[j * stride] = static_cast<float>(e);
    return e;
  });
}

/// Softmax (Log = false) or log_softmax of the row x[0], x[stride], ... into y likewise.
/// Stride is a compile-time 1 for the common last-dim case, so those loops are unit-stride.
/// x - m and its exp are taken in double (a float x - m would put an ulp of |x - m| into exp's
/// argument: 8 ulps of error at |logits| ~ 10), vectorised (exp_in_double.hpp). log_softmax is
/// (x - m) - log(s) in double, rounded once, never x - (m + log(s)), whose float sum would
/// carry an ulp of the logits (8e-6 at 100) into every result.
template <bool Log, class Stride>
void softmax_row(const float* x, float* y, int64_t n, Stride stride) {
  float m = -std::numeric_limits<float>::infinity();
  if constexpr (std::is_same_v<Stride, std::integral_constant<int64_t, 1>>) m = extreme_run<true>(x, n);
  else
    for (int64_t j = 0; j < n; ++j) m = std::max(m, x[j * stride]);
  const double md = m;
  if constexpr (Log) {
    const double log_s = std::log(sum_of_exps<false>(x, y, n, md, stride));
    for (int64_t j = 0; j < n; ++j) y[j * stride] = static_cast<float>((static_cast<double>(x[j * stride]) - md) - log_s);
  } else {
    // y holds exp(x - m) rounded to float meanwhile, then times 1/s rounded to float: three
    // roundings of half an ulp, within 2 ulps in all; the product in float lanes costs an eighth
    // of one in double (with its two conversions).
    const auto inv = static_cast<float>(1.0 / sum_of_exps<true>(x, y, n, md, stride));
    for (int64_t j = 0; j < n; ++j) y[j * stride] *= inv;
  }
}

template <bool Log>
Tensor softmax_impl(const Tensor& a, int64_t dim, const char* op) {
  check_dtype(a, DType::Float32, op);
  const int d = normalize_dim(dim, a.dim(), op);
  const Tensor x = a.contiguous();
  Tensor out = Tensor::empty(a.shape());
  if (out.numel() == 0) return out;
  const Split s = split_at(a.shape(), d);
  const float* px = x.data<float>();
  float* po = out.data<float>();
  if (s.inner == 1) {
    for_rows(s.outer, s.n, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r)
        softmax_row<Log>(px + r * s.n, po + r * s.n, s.n, std::integral_constant<int64_t, 1>{});
    });
    return out;
  }
  for_rows(s.outer * s.inner, s.n, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const int64_t off = (r / s.inner) * s.n * s.inner + r % s.inner;
      softmax_row<Log>(px + off, po + off, s.n, s.inner);
    }
  });
  return out;
}

}  // namespace

Tensor sum(const Tensor& a) {
  check_dtype(a, DType::Float32, "sum");
  const Tensor x = a.contiguous();
  return Tensor::scalar(static_cast<float>(sum_parallel(x.data<float>(), x.numel())));
}

Tensor sum(const Tensor& a, int64_t dim, bool keepdim) {
  check_dtype(a, DType::Float32, "sum");
  return sum_dim(a, normalize_dim(dim, a.dim(), "sum"), keepdim);
}

// An empty tensor's mean is 0/0 = NaN, as in PyTorch.
Tensor mean(const Tensor& a) {
  check_dtype(a, DType::Float32, "mean");
  const Tensor x = a.contiguous();
  const double n = static_cast<double>(x.numel());
  return Tensor::scalar(static_cast<float>(sum_parallel(x.data<float>(), x.numel()) / n));
}

Tensor mean(const Tensor& a, int64_t dim, bool keepdim) {
  check_dtype(a, DType::Float32, "mean");
  const int d = normalize_dim(dim, a.dim(), "mean");
  Tensor out = sum_dim(a, d, keepdim);
  const float n = a.dim() == 0 ? 1.0f : static_cast<float>(a.shape()[d]);
  out.div_(n);
  return out;
}

Tensor max(const Tensor& a) { return extreme_all<true>(a, "max"); }
Tensor min(const Tensor& a) { return extreme_all<false>(a, "min"); }
Tensor max(const Tensor& a, int64_t dim, bool keepdim) { return extreme_dim<true>(a, dim, keepdim, "max"); }
Tensor min(const Tensor& a, int64_t dim, bool keepdim) { return extreme_dim<false>(a, dim, keepdim, "min"); }

Tensor argmax(const Tensor& a) {
  check_dtype(a, DType::Float32, "argmax");
  check_nonempty(a, "argmax");
  const Tensor x = a.contiguous();
  const float* p = x.data<float>();
  const int64_t n = x.numel();
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  std::vector<int64_t> best(static_cast<size_t>(chunks));
  parallel_chunks(n, kChunk, [&](int64_t b, int64_t e) {
    best[static_cast<size_t>(b / kChunk)] = b + argmax_run(p + b, e - b, 1);
  });
  // Chunk winners compete in chunk order, so ties keep the first index.
  int64_t winner = best[0];
  for (int64_t c = 1; c < chunks; ++c) {
    const float v = p[best[static_cast<size_t>(c)]], w = p[winner];
    if (w != w) break;
    if (v != v || v > w) winner = best[static_cast<size_t>(c)];
  }
  Tensor out = Tensor::empty({}, DType::Int64);
  *out.data<int64_t>() = winner;
  return out;
}

Tensor argmax(const Tensor& a, int64_t dim, bool keepdim) {
  check_dtype(a, DType::Float32, "argmax");
  const int d = normalize_dim(dim, a.dim(), "argmax");
  check_dim_nonempty(a, d, "argmax");
  return reduce_dim<int64_t>(a, d, keepdim, DType::Int64, argmax_run);
}

Tensor sum_to(const Tensor& a, const Shape& shape) {
  check_dtype(a, DType::Float32, "sum_to");
  if (shape.size() > a.dim() || broadcast_shapes(shape, a.shape(), "sum_to") != a.shape())
    throw ShapeError("sum_to: a tensor of shape " + to_string(a.shape()) + " cannot be summed to shape " +
                     to_string(shape) + " (that shape does not broadcast to it)");
  if (a.shape() == shape) return a;
  if (a.numel() == 0) return Tensor::zeros(shape);
  // Leading dims collapse in one pass (a column sum over [lead, rest]); then each remaining
  // size-1 target dim is summed with keepdim.
  const int lead = a.dim() - shape.size();
  Tensor r = a;
  if (lead > 0) {
    Shape rest;
    for (int i = lead; i < a.dim(); ++i) rest.push_back(a.shape()[i]);
    r = sum_dim(a.reshape({-1, rest.numel()}), 0, false).reshape(rest);
  }
  for (int i = 0; i < shape.size(); ++i)
    if (shape[i] == 1 && r.shape()[i] != 1) r = sum_dim(r, i, true);
  return r;
}

Tensor softmax(const Tensor& a, int64_t dim) { return softmax_impl<false>(a, dim, "softmax"); }
Tensor log_softmax(const Tensor& a, int64_t dim) { return softmax_impl<true>(a, dim, "log_softmax"); }

}  // namespace minidl
