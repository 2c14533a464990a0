#pragma once
// Internal to conv2d: a convolution of tiny images as one dense product per batch.
#include "conv_geometry.hpp"
#include "minidl/core/tensor.hpp"

namespace minidl::conv {

/// True when the dense product does no more multiplications than im2col + sgemm (each output
/// sees at least as many taps as the image has pixels: a 3x3 kernel on 3x3 or smaller images,
/// ResNet's last stages), with one group and a dense matrix of at most 4M floats.
bool dense_fits(const ConvGeometry& g);

/// out [N, O, H', W'] = activation(x [N, C*H*W] @ T^T + bias), T [O*H'*W', C*H*W] the matrix of
/// the convolution (each row an output pixel's taps, zeros elsewhere), then each sample pooled
/// by `pool`. x is contiguous; weight is [O, C*kh*kw].
Tensor dense_forward(const ConvGeometry& g, const Tensor& x, const Tensor& weight, const Tensor* bias,
                     Activation activation, const PoolAfter& pool = {});

/// dx = G @ T, dw = the taps of G^T @ x summed over output pixels, db = G summed over samples
/// and pixels (each may be null), G the output's gradient before the activation. Sums over the
/// batch are GEMMs in fixed tiles: the same bits for any thread count.
void dense_backward(const ConvGeometry& g, const Tensor& x, const Tensor& weight, const OutputGrad& go, Tensor* dx,
                    Tensor* dw, Tensor* db);

}  // namespace minidl::conv
