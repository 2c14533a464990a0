// Shape ops: views forward, the inverse view backward (or, for a part of the input, the gradient
// placed in that part of zeros).
#include "minidl/autograd/node.hpp"
#include "minidl/autograd/ops.hpp"

namespace minidl {

using Grads = std::span<Tensor>;

Variable transpose(const Variable& a, int64_t dim0, int64_t dim1) {
  return record("Transpose", a.data().transpose(dim0, dim1), {&a},
                [dim0, dim1](const Tensor& g, Grads gi, const Node&) { gi[0] = g.transpose(dim0, dim1); });
}

Variable reshape(const Variable& a, const Shape& shape) {
  return record("Reshape", a.data().reshape(shape), {&a},
                [from = a.shape()](const Tensor& g, Grads gi, const Node&) { gi[0] = g.reshape(from); });
}

Variable flatten(const Variable& a, int64_t start_dim, int64_t end_dim) {
  return record("Flatten", a.data().flatten(start_dim, end_dim), {&a},
                [from = a.shape()](const Tensor& g, Grads gi, const Node&) { gi[0] = g.reshape(from); });
}

Variable permute(const Variable& a, const Shape& dims) {
  Tensor value = a.data().permute(dims);  // checks that dims is a permutation
  Shape inverse = dims;
  for (int k = 0; k < dims.size(); ++k) inverse[normalize_dim(dims[k], a.dim(), "permute")] = k;
  return record("Permute", std::move(value), {&a},
                [inverse](const Tensor& g, Grads gi, const Node&) { gi[0] = g.permute(inverse); });
}

Variable unsqueeze(const Variable& a, int64_t dim) {
  return record("Unsqueeze", a.data().unsqueeze(dim), {&a},
                [from = a.shape()](const Tensor& g, Grads gi, const Node&) { gi[0] = g.reshape(from); });
}

Variable squeeze(const Variable& a, int64_t dim) {
  return record("Squeeze", a.data().squeeze(dim), {&a},
                [from = a.shape()](const Tensor& g, Grads gi, const Node&) { gi[0] = g.reshape(from); });
}

Variable narrow(const Variable& a, int64_t dim, int64_t start, int64_t length) {
  return record("Narrow", a.data().narrow(dim, start, length), {&a},
                [from = a.shape(), dim, start, length](const Tensor& g, Grads gi, const Node&) {
                  Tensor grad = Tensor::zeros(from);
                  grad.narrow(dim, start, length).copy_(g);
                  gi[0] = grad;
                });
}

Variable select(const Variable& a, int64_t dim, int64_t index) {
  return record("Select", a.data().select(dim, index), {&a},
                [from = a.shape(), dim, index](const Tensor& g, Grads gi, const Node&) {
                  Tensor grad = Tensor::zeros(from);
                  grad.select(dim, index).copy_(g);
                  gi[0] = grad;
                });
}

}  // namespace minidl
