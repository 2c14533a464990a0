#pragma once
// Differentiable ops on Variables, with PyTorch semantics and broadcasting (gradients are
// summed back to each input's shape). Tensors convert to Variables that need no gradient.
#include <vector>

#include "minidl/autograd/variable.hpp"

namespace minidl {

// arithmetic (arithmetic.cpp)
Variable add(const Variable& a, const Variable& b);
Variable sub(const Variable& a, const Variable& b);
Variable mul(const Variable& a, const Variable& b);
Variable div(const Variable& a, const Variable& b);
Variable add(const Variable& a, float b);
Variable sub(const Variable& a, float b);
Variable rsub(const Variable& a, float b);
Variable mul(const Variable& a, float b);
Variable div(const Variable& a, float b);
Variable neg(const Variable& a);
Variable pow(const Variable& a, float exponent);
/// b / a (`1.0f / (1.0f + exp(-x))`, d2l's sigmoid from scratch).
Variable rdiv(const Variable& a, float b);
/// The larger (smaller) of a and b elementwise, broadcasting, NaN propagating; where they are
/// equal each gets half the gradient, as in torch.maximum (torch.minimum).
Variable maximum(const Variable& a, const Variable& b);
Variable minimum(const Variable& a, const Variable& b);

// unary functions and activations (unary.cpp)
Variable exp(const Variable& a);
Variable log(const Variable& a);
Variable sqrt(const Variable& a);
Variable abs(const Variable& a);
Variable relu(const Variable& a);
Variable leaky_relu(const Variable& a, float negative_slope = 0.01f);
Variable sigmoid(const Variable& a);
Variable tanh(const Variable& a);
Variable softmax(const Variable& a, int64_t dim);
Variable log_softmax(const Variable& a, int64_t dim);
/// min(max(a, low), high); the gradient passes where low <= a <= high (torch.clamp).
Variable clamp(const Variable& a, float low, float high);

// dropout (dropout.cpp)
/// Zeroes each element with probability p and scales the rest by 1/(1-p) (F.dropout in
/// training). Element i is kept by word i of the Philox4x32-10 stream `key`, so the mask is the
/// same for any thread count; the gradient goes through the same mask.
Variable dropout(const Variable& a, float p, uint64_t key);

// reductions (reduction.cpp)
Variable sum(const Variable& a);
Variable sum(const Variable& a, int64_t dim, bool keepdim = false);
Variable mean(const Variable& a);
Variable mean(const Variable& a, int64_t dim, bool keepdim = false);
/// Over several dims at once (`mean(x, {0, 2, 3}, true)`, per-channel statistics of NCHW).
Variable sum(const Variable& a, const std::vector<int64_t>& dims, bool keepdim = false);
Variable mean(const Variable& a, const std::vector<int64_t>& dims, bool keepdim = false);

// indexing (indexing.cpp); the int64 indices get no gradient
/// Slices of `a` along dim at the 1-D `index` (an embedding lookup); the backward adds the
/// gradient back into the rows it came from (repeated indices add up).
Variable index_select(const Variable& a, int64_t dim, const Tensor& index);
/// out[i][j] = a[i][index[i][j]] for dim 1 (torch.gather): `gather(y_hat, 1, y.reshape({-1, 1}))`
/// picks each row's probability of its label (d2l's cross_entropy from scratch).
Variable gather(const Variable& a, int64_t dim, const Tensor& index);
/// Concatenates along dim (torch.cat: GoogLeNet's and DenseNet's blocks, an RNN's outputs); each
/// part gets its slice of the gradient. `cat({a, b})` of plain Tensors stays core's.
Variable cat(const std::vector<Variable>& parts, int64_t dim = 0);
/// Stacks parts of one shape along a new dim (torch.stack).
Variable stack(const std::vector<Variable>& parts, int64_t dim = 0);

// linear algebra (matmul.cpp)
Variable matmul(const Variable& a, const Variable& b);
/// y = x W^T + b for x [N, in], weight [out, in], bias [out] (or undefined for no bias):
/// one addmm forward, sgemm backward on transposed views without copies.
Variable linear(const Variable& x, const Variable& weight, const Variable& bias = Variable());

// shape (shape.cpp)
Variable transpose(const Variable& a, int64_t dim0, int64_t dim1);
Variable reshape(const Variable& a, const Shape& shape);
Variable flatten(const Variable& a, int64_t start_dim = 0, int64_t end_dim = -1);
/// The dims in the order `dims` names them (torch.permute).
Variable permute(const Variable& a, const Shape& dims);
/// A new dim of size 1 at dim; the dim of size 1 at dim removed.
Variable unsqueeze(const Variable& a, int64_t dim);
Variable squeeze(const Variable& a, int64_t dim);
/// Elements [start, start + length) along dim, and element `index` along dim (removing it): views
/// forward; backward, the gradient lands in that part of a zero gradient of the input's shape.
Variable narrow(const Variable& a, int64_t dim, int64_t start, int64_t length);
Variable select(const Variable& a, int64_t dim, int64_t index);

inline Variable operator+(const Variable& a, const Variable& b) { return add(a, b); }
inline Variable operator-(const Variable& a, const Variable& b) { return sub(a, b); }
inline Variable operator*(const Variable& a, const Variable& b) { return mul(a, b); }
inline Variable operator/(const Variable& a, const Variable& b) { return div(a, b); }
inline Variable operator+(const Variable& a, float b) { return add(a, b); }
inline Variable operator-(const Variable& a, float b) { return sub(a, b); }
inline Variable operator*(const Variable& a, float b) { return mul(a, b); }
inline Variable operator/(const Variable& a, float b) { return div(a, b); }
inline Variable operator+(float a, const Variable& b) { return add(b, a); }
inline Variable operator-(float a, const Variable& b) { return rsub(b, a); }
inline Variable operator*(float a, const Variable& b) { return mul(b, a); }
inline Variable operator/(float a, const Variable& b) { return rdiv(b, a); }
inline Variable operator-(const Variable& a) { return neg(a); }

}  // namespace minidl
