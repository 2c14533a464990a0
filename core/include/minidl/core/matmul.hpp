#pragma once
// Matrix products on OpenBLAS cblas_sgemm. Transposed views are passed as transpose flags,
// never copied; large products are split into fixed output tiles run on TBB, one
// single-threaded sgemm per tile, so results do not depend on the thread count.
#include "minidl/core/tensor.hpp"

namespace minidl {

/// 2-D @ 2-D, 2-D @ 1-D, 1-D @ 2-D, 1-D @ 1-D, and batched 3-D @ 3-D (or 3-D @ 2-D).
Tensor matmul(const Tensor& a, const Tensor& b);
/// beta * c + alpha * (a @ b) for 2-D a, b; c broadcasts to the result (a bias row, say).
Tensor addmm(const Tensor& c, const Tensor& a, const Tensor& b, float beta = 1.0f,
             float alpha = 1.0f);
/// out = beta * out + alpha * (a @ b), written into an existing contiguous 2-D `out`.
void gemm_into(Tensor& out, const Tensor& a, const Tensor& b, float beta, float alpha);

}  // namespace minidl
