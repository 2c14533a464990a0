#pragma once
// Internal to conv2d: the input gradient of a small inner layer with one sample per vector lane.
#include "conv_geometry.hpp"
#include "minidl/core/tensor.hpp"

namespace minidl::conv {

/// True when sample_lanes_input_grad computes this geometry's input gradient: stride 1, no
/// dilation, one group, a kernel 3 or 5 columns wide, and the output gradient of kLanes samples
/// within 1 MiB (a small inner layer's).
bool sample_lanes_fit(const ConvGeometry& g);

/// dx [N, C, H, W] for the output's gradient go (the activation's slope applied as it is read),
/// kLanes samples at a time, each in a lane of its own: every vector FMA is a tap's product for
/// as many samples, none falls on the zero border of the full convolution. Each sample's sums
/// are the same whichever samples share its vector: the same bits for any thread count.
Tensor sample_lanes_input_grad(const ConvGeometry& g, const Tensor& weight, const OutputGrad& go);

}  // namespace minidl::conv
