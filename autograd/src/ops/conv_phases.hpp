#pragma once
// Internal to conv2d: a strided convolution as a stride-1 convolution of its input's phases.
// With stride (sh, sw), output pixel (y, x) reads padded pixels (sh y + ki, sw x + kj). Split
// ki = sh u + a and kj = sw v + b: the taps of phase (a, b) read pixel (y + u, x + v) of the
// image made of every sh-th row from a and every sw-th column from b. So the convolution is a
// stride-1 convolution over C sh sw channels (the phases, PyTorch's pixel_unshuffle order) with
// a kernel of ceil(kh / sh) x ceil(kw / sw) (the taps past the kernel zero). A stem such as
// ResNet's (1 -> 16 channels, 7x7, stride 2) then runs on the direct loops for few channels
// instead of im2col, whose columns for C = 1 cost as much as the product.
#include "conv_geometry.hpp"
#include "minidl/autograd/variable.hpp"

namespace minidl::conv {

/// The stride-1 convolution of the phases that computes `g`.
ConvGeometry phase_geometry(const ConvGeometry& g);

/// True when the phases of `g` fit the direct loops for few channels: a stride above 1, no
/// dilation, one group, and a kernel of phases that adds few taps of zeros.
bool phases_fit(const ConvGeometry& g);

/// The phases of x [N, C, H, W] padded by `padding` (zeros elsewhere): [N, C f_h f_w, size_h,
/// size_w], channel (c f_h + a) f_w + b holding padded pixel (f_h y + a, f_w x + b) at (y, x).
/// The backward routes each phase pixel's gradient back to the input pixel it came from.
Variable stride_phases(const Variable& x, Pair factor, Pair padding, Pair size);

}  // namespace minidl::conv
