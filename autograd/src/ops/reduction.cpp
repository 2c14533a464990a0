// Sum and mean, all elements or one dim: the backward broadcasts the gradient back.
#include "minidl/autograd/node.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/core/reduction.hpp"

namespace minidl {

using Grads = std::span<Tensor>;

namespace {
// The output gradient of a reduction over `dim`, shaped to broadcast against the input.
Tensor expand_reduced(const Tensor& g, const Shape& input_shape, int64_t dim, bool keepdim) {
  const int d = normalize_dim(dim, input_shape.size(), "sum");
  const Tensor kept = keepdim || input_shape.size() == 0 ? g : g.unsqueeze(d);
  return kept.expand(input_shape);
}
}  // namespace

Variable sum(const Variable& a) {
  return record("Sum", minidl::sum(a.data()), {&a}, [shape = a.shape()](const Tensor& g, Grads gi, const Node&) {
    gi[0] = g.expand(shape);
  });
}

Variable sum(const Variable& a, int64_t dim, bool keepdim) {
  return record("SumDim", minidl::sum(a.data(), dim, keepdim), {&a},
                [shape = a.shape(), dim, keepdim](const Tensor& g, Grads gi, const Node&) {
                  gi[0] = expand_reduced(g, shape, dim, keepdim);
                });
}

Variable mean(const Variable& a) {
  return record("Mean", minidl::mean(a.data()), {&a}, [shape = a.shape()](const Tensor& g, Grads gi, const Node&) {
    gi[0] = minidl::div(g, static_cast<float>(shape.numel())).expand(shape);
  });
}

Variable mean(const Variable& a, int64_t dim, bool keepdim) {
  return record("MeanDim", minidl::mean(a.data(), dim, keepdim), {&a},
                [shape = a.shape(), dim, keepdim](const Tensor& g, Grads gi, const Node&) {
                  const auto n = static_cast<float>(shape[normalize_dim(dim, shape.size(), "mean")]);
                  gi[0] = expand_reduced(minidl::div(g, n), shape, dim, keepdim);
                });
}

}  // namespace minidl
