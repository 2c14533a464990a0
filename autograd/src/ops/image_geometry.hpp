#pragma once
// Argument checks and output sizes shared by the image ops (conv.cpp, pooling.cpp): each error
// names the op, the argument and the shapes.
#include <cstdint>
#include <string>

#include "minidl/core/size2.hpp"
#include "minidl/core/tensor.hpp"

namespace minidl::image {

using Pair = Size2;

/// "[2, 3]": a (height, width) pair as messages show it.
inline std::string to_string(Pair p) {
  // Appended, not "[" + ...: GCC 12 warns falsely (-Wrestrict) on that form once it is inlined.
  std::string text = "[";
  text += std::to_string(p[0]);
  text += ", ";
  text += std::to_string(p[1]);
  return text += "]";
}

/// Throws unless x is a float32 [N, C, H, W] tensor.
inline void check_nchw(const Tensor& x, const char* op) {
  check_dtype(x, DType::Float32, op);
  if (x.dim() != 4)
    throw ShapeError(std::string(op) + ": input must be 4-D [N, C, H, W], got shape " + minidl::to_string(x.shape()));
}

/// Throws ValueError unless both entries of `name` are >= min.
inline void check_at_least(Pair p, int64_t min, const char* op, const char* name) {
  if (p[0] < min || p[1] < min)
    throw ValueError(std::string(op) + ": " + name + " must be >= " + std::to_string(min) + ", got " + to_string(p));
}

/// The output extent along dim `d` (0 height, 1 width) of a window of `kernel` taps `dilation`
/// apart, moved by `stride` over the input padded by `padding` on both sides (floor mode).
/// Throws ShapeError naming the op and the input when the window does not fit the padded input.
inline int64_t output_extent(const Tensor& x, int d, Pair kernel, Pair stride, Pair padding, Pair dilation,
                             const char* op) {
  const int64_t in = x.size(2 + d), span = dilation[d] * (kernel[d] - 1) + 1, padded = in + 2 * padding[d];
  if (span > padded)
    throw ShapeError(std::string(op) + ": kernel_size " + to_string(kernel) + " (dilation " + to_string(dilation) +
                     ") is larger than the padded input: input " + minidl::to_string(x.shape()) + " with padding " +
                     to_string(padding) + " is " + std::to_string(padded) + " " + (d == 0 ? "high" : "wide"));
  return (padded - span) / stride[d] + 1;
}

}  // namespace minidl::image
