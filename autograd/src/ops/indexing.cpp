// Indexing ops: a gather forward, the addition that undoes it backward.
#include "minidl/autograd/node.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/core/indexing.hpp"

namespace minidl {

using Grads = std::span<Tensor>;

Variable index_select(const Variable& a, int64_t dim, const Tensor& index) {
  return record("IndexSelect", minidl::index_select(a.data(), dim, index), {&a},
                [shape = a.shape(), dim, index](const Tensor& g, Grads gi, const Node&) {
                  gi[0] = minidl::index_add(Tensor::zeros(shape), dim, index, g);
                });
}

Variable gather(const Variable& a, int64_t dim, const Tensor& index) {
  return record("Gather", minidl::gather(a.data(), dim, index), {&a},
                [shape = a.shape(), dim, index](const Tensor& g, Grads gi, const Node&) {
                  gi[0] = minidl::scatter_add(Tensor::zeros(shape), dim, index, g);
                });
}

}  // namespace minidl
