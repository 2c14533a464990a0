// Sum and mean, all elements, one dim or several: the backward broadcasts the gradient back.
#include <algorithm>

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

namespace {
/// Reduces `a` over each of `dims` in turn, keeping them, so that the graph of one-dim
/// reductions carries the gradient; no dims reduce all of them, and a dim named twice is an
/// error, as in PyTorch.
Variable reduce_dims(const Variable& a, const std::vector<int64_t>& dims, bool keepdim, bool average) {
  const char* op = average ? "mean" : "sum";
  std::vector<int> seen;
  for (const int64_t dim : dims) {
    const int d = normalize_dim(dim, a.dim(), op);
    if (std::find(seen.begin(), seen.end(), d) != seen.end())
      throw ValueError(std::string(op) + ": dim " + std::to_string(d) + " appears more than once in the list of dims");
    seen.push_back(d);
  }
  if (seen.empty()) return average ? mean(a) : sum(a);
  Variable out = a;
  for (const int d : seen) out = average ? mean(out, d, true) : sum(out, d, true);
  if (keepdim) return out;
  Shape shape;
  for (int k = 0; k < a.dim(); ++k)
    if (std::find(seen.begin(), seen.end(), k) == seen.end()) shape.push_back(a.shape()[k]);
  return reshape(out, shape);
}
}  // namespace

Variable sum(const Variable& a, const std::vector<int64_t>& dims, bool keepdim) {
  return reduce_dims(a, dims, keepdim, /*average=*/false);
}

Variable mean(const Variable& a, const std::vector<int64_t>& dims, bool keepdim) {
  return reduce_dims(a, dims, keepdim, /*average=*/true);
}

}  // namespace minidl
