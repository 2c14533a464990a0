#pragma once
// Gathering by int64 indices: what batching, embedding and losses need.
#include <initializer_list>
#include <vector>

#include "minidl/core/tensor.hpp"

namespace minidl {

/// Rows (or slices along dim) of `a` picked by the 1-D int64 `index`, as a new tensor.
Tensor index_select(const Tensor& a, int64_t dim, const Tensor& index);
/// out[i][j] = a[i][index[i][j]] for dim 1 (PyTorch gather); index has a's rank.
Tensor gather(const Tensor& a, int64_t dim, const Tensor& index);
/// A copy of float32 `a` with slice j of `source` along dim added to slice index[j] (PyTorch
/// index_add); repeated indices add up, in index order. The gradient of index_select.
Tensor index_add(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& source);
/// A copy of float32 `a` with source[i][j] added to element [i][index[i][j]] for dim 1 (PyTorch
/// scatter_add); index has source's shape. The gradient of gather.
Tensor scatter_add(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& source);
/// Concatenates tensors of equal shape except along dim.
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
/// Stacks tensors of equal shape along a new dim.
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
/// `cat({a, b})` of Tensors, chosen over the Variable overloads of autograd.
inline Tensor cat(std::initializer_list<Tensor> tensors, int64_t dim = 0) {
  return cat(std::vector<Tensor>(tensors), dim);
}
inline Tensor stack(std::initializer_list<Tensor> tensors, int64_t dim = 0) {
  return stack(std::vector<Tensor>(tensors), dim);
}

}  // namespace minidl
