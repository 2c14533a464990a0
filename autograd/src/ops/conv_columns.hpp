#pragma once
// Internal to conv2d: one sample's im2col matrix [C*kh*kw, out_h*out_w] and its way back.
#include <cstdint>
#include <vector>

#include "conv_geometry.hpp"

namespace minidl::conv {

/// One padded sample's columns into cols (row stride ld).
void im2col(const ConvGeometry& g, const float* padded, float* cols, int64_t ld);

/// dx [C, H, W] += one sample's columns (row stride ld) scattered back to the pixels they were
/// read from, through the zeroed padded buffer `buf` when there is padding.
void col2im(const ConvGeometry& g, const float* cols, int64_t ld, float* dx, std::vector<float>& buf);

}  // namespace minidl::conv
