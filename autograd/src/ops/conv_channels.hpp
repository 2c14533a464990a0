#pragma once
// Internal to conv2d: direct loops vectorised over output channels, for small inner layers.
#include "conv_geometry.hpp"
#include "minidl/core/tensor.hpp"

namespace minidl::conv {

/// True when these loops beat im2col + sgemm: stride 1, no dilation, one group, and at most 16
/// input and 16 output channels; with AVX-512 up to 64, where each output has 32 taps or more
/// and big weights do not meet small images; 1x1 kernels only with 32 channels or more on images up
/// to 14x14. The rule is what was measured (see the .cpp).
bool channel_loops_fit(const ConvGeometry& g);

/// out [N, O, H', W'] = activation(the convolution of x [N, C, H, W] (contiguous) with weight
/// [O, C*kh*kw] plus bias (or none)), the activation applied to each sample's output in cache,
/// then the sample pooled by `pool`.
Tensor channel_loops_forward(const ConvGeometry& g, const Tensor& x, const Tensor& weight, const Tensor* bias,
                             Activation activation, const PoolAfter& pool = {});

/// dx [N, C, H, W], dw [O, C*kh*kw] and db [O] (each may be null) for the output's gradient go
/// (the activation's slope applied as it is read). The weight and bias gradients are summed per
/// chunk of kBatchChunk samples, then over chunks in order: the same bits for any thread count.
void channel_loops_backward(const ConvGeometry& g, const Tensor& x, const Tensor& weight, const OutputGrad& go,
                            Tensor* dx, Tensor* dw, Tensor* db);

}  // namespace minidl::conv
