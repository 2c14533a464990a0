#pragma once
// Internal: walking the elements of strided tensors as runs along the innermost dim, so
// kernels keep a tight inner loop whatever the layout.
#include <array>
#include <cstdint>

#include "minidl/core/shape.hpp"

namespace minidl {

/// Calls f(offset, n, stride) for each run of n elements along the last dim of a tensor of
/// `shape` and `strides` (offsets in elements, relative to element [0, ..., 0]).
template <class F>
void for_each_offset1(const Shape& shape, const Shape& strides, F&& f) {
  const int nd = shape.size();
  if (shape.numel() == 0) return;
  if (nd == 0) {
    f(int64_t{0}, int64_t{1}, int64_t{1});
    return;
  }
  const int64_t inner = shape[nd - 1], inner_stride = strides[nd - 1];
  std::array<int64_t, Shape::kMaxDims> index{};
  int64_t off = 0;
  const int64_t outer = shape.numel() / inner;
  for (int64_t r = 0; r < outer; ++r) {
    f(off, inner, inner_stride);
    for (int d = nd - 2; d >= 0; --d) {
      if (++index[static_cast<size_t>(d)] < shape[d]) {
        off += strides[d];
        break;
      }
      off -= strides[d] * (shape[d] - 1);
      index[static_cast<size_t>(d)] = 0;
    }
  }
}

/// The same over two tensors of one shape with their own strides: f(off_a, off_b, n, stride_a, stride_b).
template <class F>
void for_each_offset2(const Shape& shape, const Shape& sa, const Shape& sb, F&& f) {
  const int nd = shape.size();
  if (shape.numel() == 0) return;
  if (nd == 0) {
    f(int64_t{0}, int64_t{0}, int64_t{1}, int64_t{1}, int64_t{1});
    return;
  }
  const int64_t inner = shape[nd - 1];
  std::array<int64_t, Shape::kMaxDims> index{};
  int64_t oa = 0, ob = 0;
  const int64_t outer = shape.numel() / inner;
  for (int64_t r = 0; r < outer; ++r) {
    f(oa, ob, inner, sa[nd - 1], sb[nd - 1]);
    for (int d = nd - 2; d >= 0; --d) {
      if (++index[static_cast<size_t>(d)] < shape[d]) {
        oa += sa[d];
        ob += sb[d];
        break;
      }
      oa -= sa[d] * (shape[d] - 1);
      ob -= sb[d] * (shape[d] - 1);
      index[static_cast<size_t>(d)] = 0;
    }
  }
}

}  // namespace minidl
