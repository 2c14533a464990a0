#include "minidl/core/matmul.hpp"

#include <cblas.h>

#include <algorithm>
#include <cstring>

#include "minidl/core/blas.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/core/parallel.hpp"

namespace minidl {

namespace {

// A 2-D operand as sgemm sees it: a pointer, a transpose flag and a leading dimension.
// Row-major contiguous and transposed-contiguous views need no copy.
struct GemmOperand {
  const float* data;
  CBLAS_TRANSPOSE trans;
  int64_t ld;
  Tensor keep_alive;  // set when a copy had to be made
};

GemmOperand as_gemm_operand(const Tensor& m) {
  const int64_t rows = m.size(0), cols = m.size(1);
  const int64_t rs = m.strides()[0], cs = m.strides()[1];
  if (cs == 1 && (rs >= std::max<int64_t>(cols, 1) || rows == 1)) return {m.data<float>(), CblasNoTrans, std::max<int64_t>(rs, std::max<int64_t>(cols, 1)), {}};
  if (rs == 1 && (cs >= std::max<int64_t>(rows, 1) || cols == 1)) return {m.data<float>(), CblasTrans, std::max<int64_t>(cs, std::max<int64_t>(rows, 1)), {}};
  Tensor c = m.clone();
  return {c.data<float>(), CblasNoTrans, std::max<int64_t>(cols, 1), c};
}

// Products below this many multiply-adds are computed by a plain loop: sgemm's call and
// packing overhead (~1 us) dominates a 10x2 @ 2x1 product.
constexpr int64_t kSmallWork = 4096;
// Products below this many multiply-adds run as one sgemm call: tiling them costs more than it saves.
constexpr int64_t kTileMinWork = 1 << 20;
// Output tiles: their edges depend on the product's shape only, never on the thread count, so
// every bit of the result is the same for any number of threads. Mid-size products (a batch of
// 128 through a layer) are cut in two along their longer side, at a multiple of 16: work for
// both cores, and each operand packed about once (mlp_large's products per step at one thread,
// best of 40 interleaved: untiled 1860 us, halves 1909, 64x256 tiles 2050). Large ones get tiles
// big enough that sgemm's packing is amortised (64x256 tiles cost 20% on 1024^3, 128x1024 nothing).
struct TileShape {
  int64_t rows, cols;
};
TileShape tile_shape(int64_t m, int64_t n) {
  if (m * n >= (int64_t{1} << 20)) return {128, 1024};
  const auto half = [](int64_t x) { return std::max<int64_t>(16, ((x + 1) / 2 + 15) / 16 * 16); };
  return n >= m ? TileShape{m, half(n)} : TileShape{half(m), n};
}

void ensure_blas_single_threaded() {
  static const bool once = [] {
    set_blas_num_threads(1);
    (void)blas_info();  // the CPU's best kernels, chosen before the first GEMM
    return true;
  }();
  (void)once;
}

// C[M,N] (row-major, leading dim ldc) = beta*C + alpha*A@B, tiled over the output on TBB.
// With beta = 0, C is only written, as in BLAS: it may be uninitialised (even NaN), so the
// plain loops below never multiply it by 0 (0 * NaN is NaN).
void sgemm_tiled(const GemmOperand& a, const GemmOperand& b, float* c, int64_t m, int64_t n, int64_t k,
                 int64_t ldc, float beta, float alpha) {
  ensure_blas_single_threaded();
  if (m == 0 || n == 0) return;
  auto run = [&](int64_t r0, int64_t r1, int64_t c0, int64_t c1) {
    const float* pa = a.data + (a.trans == CblasNoTrans ? r0 * a.ld : r0);
    const float* pb = b.data + (b.trans == CblasNoTrans ? c0 : c0 * b.ld);
    float* pc = c + r0 * ldc + c0;
    // OpenBLAS clears C for beta = 0 with its own beta pass and then adds the product to it,
    // as with beta = 1; that pass is several times slower than memset (mlp_large's backward:
    // 7% of an epoch at one thread), so C is cleared here and sgemm adds onto it: same bits.
    float tile_beta = beta;
    if (beta == 0.0f) {
      for (int64_t i = r0; i < r1; ++i) std::memset(c + i * ldc + c0, 0, sizeof(float) * static_cast<size_t>(c1 - c0));
      tile_beta = 1.0f;
    }
    cblas_sgemm(CblasRowMajor, a.trans, b.trans, static_cast<int>(r1 - r0), static_cast<int>(c1 - c0),
                static_cast<int>(k), alpha, pa, static_cast<int>(a.ld), pb, static_cast<int>(b.ld), tile_beta, pc,
                static_cast<int>(ldc));
  };
  if (k == 0) {
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    return;
  }
  if (m * n * k <= kSmallWork) {
    // Element (i, p) of an operand with flag NoTrans sits at i*ld + p, with Trans at p*ld + i.
    const int64_t a_row = a.trans == CblasNoTrans ? a.ld : 1, a_col = a.trans == CblasNoTrans ? 1 : a.ld;
    const int64_t b_row = b.trans == CblasNoTrans ? b.ld : 1, b_col = b.trans == CblasNoTrans ? 1 : b.ld;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        float acc = 0.0f;
        for (int64_t p = 0; p < k; ++p) acc += a.data[i * a_row + p * a_col] * b.data[p * b_row + j * b_col];
        float& out = c[i * ldc + j];
        out = alpha * acc + (beta == 0.0f ? 0.0f : beta * out);
      }
    return;
  }
  if (m * n * k < kTileMinWork) {
    run(0, m, 0, n);
    return;
  }
  const TileShape tile = tile_shape(m, n);
  const int64_t row_tiles = (m + tile.rows - 1) / tile.rows, col_tiles = (n + tile.cols - 1) / tile.cols;
  parallel_chunks(row_tiles * col_tiles, 1, [&](int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t rt = t / col_tiles, ct = t % col_tiles;
      run(rt * tile.rows, std::min(m, (rt + 1) * tile.rows), ct * tile.cols, std::min(n, (ct + 1) * tile.cols));
    }
  });
}

void check_matmul_operands(const Tensor& a, const Tensor& b, const char* op) {
  check_dtype(a, DType::Float32, op);
  check_dtype(b, DType::Float32, op);
}

Tensor matmul_2d(const Tensor& a, const Tensor& b) {
  if (a.size(1) != b.size(0))
    throw ShapeError("matmul: shapes " + to_string(a.shape()) + " and " + to_string(b.shape()) +
                     " cannot be multiplied (" + std::to_string(a.size(1)) + " != " + std::to_string(b.size(0)) + ")");
  Tensor out = Tensor::empty({a.size(0), b.size(1)});
  const GemmOperand ga = as_gemm_operand(a), gb = as_gemm_operand(b);
  sgemm_tiled(ga, gb, out.data<float>(), a.size(0), b.size(1), a.size(1), std::max<int64_t>(b.size(1), 1), 0.0f, 1.0f);
  return out;
}

}  // namespace

void gemm_into(Tensor& out, const Tensor& a, const Tensor& b, float beta, float alpha) {
  check_matmul_operands(a, b, "gemm_into");
  check_dtype(out, DType::Float32, "gemm_into");
  if (a.dim() != 2 || b.dim() != 2 || out.dim() != 2 || a.size(1) != b.size(0) || out.size(0) != a.size(0) ||
      out.size(1) != b.size(1))
    throw ShapeError("gemm_into: out " + to_string(out.shape()) + " != a " + to_string(a.shape()) + " @ b " +
                     to_string(b.shape()));
  if (!out.is_contiguous()) throw ShapeError("gemm_into: out must be contiguous");
  const GemmOperand ga = as_gemm_operand(a), gb = as_gemm_operand(b);
  sgemm_tiled(ga, gb, out.data<float>(), a.size(0), b.size(1), a.size(1), std::max<int64_t>(b.size(1), 1), beta, alpha);
  out.bump_version();
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  check_matmul_operands(a, b, "matmul");
  if (a.dim() == 0 || b.dim() == 0)
    throw ShapeError("matmul: both arguments need at least 1 dim, got shapes " + to_string(a.shape()) + " and " +
                     to_string(b.shape()));
  if (a.dim() == 2 && b.dim() == 2) return matmul_2d(a, b);
  if (a.dim() == 2 && b.dim() == 1) return matmul_2d(a, b.unsqueeze(1)).squeeze(1);
  if (a.dim() == 1 && b.dim() == 2) return matmul_2d(a.unsqueeze(0), b).squeeze(0);
  if (a.dim() == 1 && b.dim() == 1) return matmul_2d(a.unsqueeze(0), b.unsqueeze(1)).reshape({});
  if (a.dim() == 3 && (b.dim() == 3 || b.dim() == 2)) {
    const int64_t batch = a.size(0);
    if (b.dim() == 3 && b.size(0) != batch)
      throw ShapeError("matmul: batch sizes differ in shapes " + to_string(a.shape()) + " and " + to_string(b.shape()));
    if (a.size(2) != b.size(-2))
      throw ShapeError("matmul: shapes " + to_string(a.shape()) + " and " + to_string(b.shape()) +
                       " cannot be multiplied (" + std::to_string(a.size(2)) + " != " + std::to_string(b.size(-2)) + ")");
    Tensor out = Tensor::empty({batch, a.size(1), b.size(-1)});
    for (int64_t i = 0; i < batch; ++i) {
      Tensor oi = out.select(0, i);
      gemm_into(oi, a.select(0, i), b.dim() == 3 ? b.select(0, i) : b, 0.0f, 1.0f);
    }
    return out;
  }
  throw ShapeError("matmul: unsupported shapes " + to_string(a.shape()) + " and " + to_string(b.shape()) +
                   " (2-D/1-D operands or batched 3-D)");
}

Tensor addmm(const Tensor& c, const Tensor& a, const Tensor& b, float beta, float alpha) {
  check_matmul_operands(a, b, "addmm");
  check_dtype(c, DType::Float32, "addmm");
  if (a.dim() != 2 || b.dim() != 2)
    throw ShapeError("addmm: expects 2-D matrices, got shapes " + to_string(a.shape()) + " and " + to_string(b.shape()));
  if (a.size(1) != b.size(0))
    throw ShapeError("addmm: shapes " + to_string(a.shape()) + " and " + to_string(b.shape()) +
                     " cannot be multiplied (" + std::to_string(a.size(1)) + " != " + std::to_string(b.size(0)) + ")");
  const int64_t m = a.size(0), n = b.size(1);
  const Shape out_shape{m, n};
  broadcast_shapes(out_shape, c.shape(), "addmm");
  Tensor out = Tensor::empty(out_shape);
  if (beta != 0.0f) {
    if (c.dim() == 1 && c.shape()[0] == n && c.is_contiguous()) {  // a Linear layer's bias: one row copied down
      float* o = out.data<float>();
      for (int64_t i = 0; i < m; ++i) std::copy_n(c.data<float>(), n, o + i * n);
    } else {
      out.copy_(c.expand(out_shape));
    }
  }
  sgemm_tiled(as_gemm_operand(a), as_gemm_operand(b), out.data<float>(), m, n, a.size(1), std::max<int64_t>(n, 1),
              beta, alpha);
  return out;
}

}  // namespace minidl
