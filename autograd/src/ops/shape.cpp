// Shape ops: views forward, the inverse view backward.
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

}  // namespace minidl
