#pragma once
// Internal to conv2d: direct loops for convolutions whose GEMM would be mostly packing.
#include "conv_geometry.hpp"
#include "minidl/core/tensor.hpp"

namespace minidl::conv {

/// True when the direct loops beat im2col + sgemm: stride 1, no dilation, one group, a kernel of
/// more than one tap, at most 32 taps per output (the GEMM's inner dimension), output rows of at least 16 columns, and padding
/// below the kernel size (the input gradient is then a direct convolution too).
bool direct_fits(const ConvGeometry& g);

/// out [N, O, H', W'] = activation(the convolution of x [N, C, H, W] (contiguous) with weight
/// [O, C*kh*kw] plus bias (or none)), the activation applied as the sums are written; then
/// each sample pooled by `pool` while it is in cache.
Tensor direct_forward(const ConvGeometry& g, const Tensor& x, const Tensor& weight, const Tensor* bias,
                      Activation activation, const PoolAfter& pool = {});

/// dx [N, C, H, W], dw [O, C*kh*kw] and db [O] (each may be null) for the output's gradient go.
/// The weight and bias gradients read go times the activation's slope as they fill their
/// buffers; they are summed per chunk of kBatchChunk samples, then over chunks in order: the
/// same bits for any thread count.
void direct_backward(const ConvGeometry& g, const Tensor& x, const Tensor& weight, const OutputGrad& go, Tensor* dx,
                     Tensor* dw, Tensor* db);

}  // namespace minidl::conv
