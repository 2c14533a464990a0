#pragma once
// Reductions over all elements or one dim. Work is split into fixed chunks whose partial
// results combine in order, so results are bitwise identical for any thread count.
#include "minidl/core/tensor.hpp"

namespace minidl {

/// Sum of all elements: a 0-dim tensor.
Tensor sum(const Tensor& a);
Tensor sum(const Tensor& a, int64_t dim, bool keepdim = false);
Tensor mean(const Tensor& a);
Tensor mean(const Tensor& a, int64_t dim, bool keepdim = false);
Tensor max(const Tensor& a);
Tensor max(const Tensor& a, int64_t dim, bool keepdim = false);
Tensor min(const Tensor& a);
Tensor min(const Tensor& a, int64_t dim, bool keepdim = false);
/// Index of the (first) largest element, as int64; over all elements (flattened) or one dim.
Tensor argmax(const Tensor& a);
Tensor argmax(const Tensor& a, int64_t dim, bool keepdim = false);

/// Sums `a` down to `shape` (the inverse of broadcasting `shape` up to a.shape()).
Tensor sum_to(const Tensor& a, const Shape& shape);

/// Numerically stable softmax / log_softmax along dim (max subtracted before exp).
Tensor softmax(const Tensor& a, int64_t dim);
Tensor log_softmax(const Tensor& a, int64_t dim);

}  // namespace minidl
