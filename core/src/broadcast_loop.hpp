#pragma once
// Internal: the loop engine behind every elementwise kernel. K operands (operand 0 is the
// one written) are walked together over one shape; each operand has its own byte strides,
// 0 along broadcast dims. Dims are merged where every operand allows it, so a contiguous
// operand with a broadcast row or column becomes a few long runs, and the kernel sees only
// runs of the innermost dim: f(ptrs, byte_strides, n). Nothing here allocates or touches
// the scheduler unless the work exceeds kGrainSize elements.
#include <algorithm>
#include <array>
#include <cstdint>

#include "minidl/core/parallel.hpp"
#include "minidl/core/tensor.hpp"

namespace minidl::detail {

/// Per-dim values of one operand (byte strides), inline like Shape but without its checks.
using DimArray = std::array<int64_t, Shape::kMaxDims>;

/// Byte strides of `t` seen as a tensor of `shape` (to which t.shape() must broadcast):
/// leading and broadcast dims get stride 0.
inline DimArray broadcast_byte_strides(const Tensor& t, const Shape& shape) {
  DimArray out;
  const int lead = shape.size() - t.dim();
  const auto elem = static_cast<int64_t>(dtype_size(t.dtype()));
  for (int i = 0; i < shape.size(); ++i) {
    const int src = i - lead;
    out[static_cast<size_t>(i)] = src < 0 || t.shape()[src] == 1 ? 0 : t.strides()[src] * elem;
  }
  return out;
}

/// Address of element [0, ..., 0] of `t`, whatever its dtype.
inline char* byte_data(const Tensor& t) {
  return static_cast<char*>(t.storage()->data()) +
         t.offset() * static_cast<int64_t>(dtype_size(t.dtype()));
}

/// K operands' geometry after dropping size-1 dims and merging mergeable neighbours.
template <int K>
struct Loop {
  int ndim = 0;
  DimArray size;
  std::array<DimArray, K> stride;
  std::array<char*, K> base;

  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; ++d) n *= size[static_cast<size_t>(d)];
    return n;
  }
};

/// Builds the loop over `shape` from each operand's base address and byte strides.
template <int K>
Loop<K> make_loop(const Shape& shape, const std::array<char*, K>& base,
                  const std::array<DimArray, K>& strides) {
  Loop<K> L;
  L.base = base;
  for (int d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    if (L.ndim > 0) {
      // Dim d folds into the previous kept dim when, for every operand, stepping the previous
      // dim once equals stepping dim d through its whole extent.
      const auto r = static_cast<size_t>(L.ndim - 1);
      bool mergeable = true;
      for (int k = 0; k < K; ++k)
        mergeable = mergeable && L.stride[static_cast<size_t>(k)][r] == strides[static_cast<size_t>(k)][static_cast<size_t>(d)] * shape[d];
      if (mergeable) {
        L.size[r] *= shape[d];
        for (int k = 0; k < K; ++k)
          L.stride[static_cast<size_t>(k)][r] = strides[static_cast<size_t>(k)][static_cast<size_t>(d)];
        continue;
      }
    }
    const auto r = static_cast<size_t>(L.ndim++);
    L.size[r] = shape[d];
    for (int k = 0; k < K; ++k)
      L.stride[static_cast<size_t>(k)][r] = strides[static_cast<size_t>(k)][static_cast<size_t>(d)];
  }
  if (L.ndim == 0) {  // a scalar, or only size-1 dims: one run of one element
    L.ndim = 1;
    L.size[0] = 1;
    for (int k = 0; k < K; ++k) L.stride[static_cast<size_t>(k)][0] = 0;
  }
  return L;
}

/// Runs f over the elements [begin, end) of the loop (row-major order), as innermost runs.
template <int K, class F>
void run_range(const Loop<K>& L, int64_t begin, int64_t end, F& f) {
  const int nd = L.ndim;
  const auto last = static_cast<size_t>(nd - 1);
  std::array<int64_t, Shape::kMaxDims> idx{};
  std::array<char*, K> ptr = L.base;
  int64_t rem = begin;
  for (int d = nd - 1; d >= 0 && rem > 0; --d) {
    const auto u = static_cast<size_t>(d);
    idx[u] = rem % L.size[u];
    rem /= L.size[u];
    for (size_t k = 0; k < K; ++k) ptr[k] += idx[u] * L.stride[k][u];
  }
  std::array<int64_t, K> inner{};
  for (size_t k = 0; k < K; ++k) inner[k] = L.stride[k][last];

  for (int64_t pos = begin; pos < end;) {
    const int64_t n = std::min(L.size[last] - idx[last], end - pos);
    f(ptr.data(), inner.data(), n);
    pos += n;
    idx[last] += n;
    for (size_t k = 0; k < K; ++k) ptr[k] += n * inner[k];
    // Carry into outer dims: rewind the finished dim, step the next one out.
    for (int d = nd - 1; d > 0 && idx[static_cast<size_t>(d)] == L.size[static_cast<size_t>(d)]; --d) {
      const auto u = static_cast<size_t>(d);
      idx[u] = 0;
      ++idx[u - 1];
      for (size_t k = 0; k < K; ++k) ptr[k] += L.stride[k][u - 1] - L.size[u] * L.stride[k][u];
    }
  }
}

/// Runs f over the whole loop, in parallel chunks when it is larger than kGrainSize. Runs
/// write disjoint elements, so the chunking does not affect results.
template <int K, class F>
void run_loop(const Loop<K>& L, F&& f) {
  const int64_t n = L.numel();
  if (n <= kGrainSize) {
    run_range(L, 0, n, f);
    return;
  }
  parallel_for(n, kGrainSize, [&](int64_t b, int64_t e) { run_range(L, b, e, f); });
}

/// Applies a flat loop body over [0, n): serial below kGrainSize, chunked on TBB above.
template <class Body>
void flat_loop(int64_t n, Body&& body) {
  if (n <= kGrainSize) {
    body(int64_t{0}, n);
    return;
  }
  parallel_for(n, kGrainSize, body);
}

}  // namespace minidl::detail
