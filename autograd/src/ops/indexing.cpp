// Indexing ops: a gather forward, the addition that undoes it backward; joins forward, slices of
// the gradient backward.
#include "minidl/autograd/node.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/core/indexing.hpp"

#include <algorithm>

namespace minidl {

using Grads = std::span<Tensor>;

Variable index_select(const Variable& a, int64_t dim, const Tensor& index) {
  return record("IndexSelect", minidl::index_select(a.data(), dim, index), {&a},
                [shape = a.shape(), dim, index = SavedTensor(index)](const Tensor& g, Grads gi, const Node&) {
                  gi[0] = minidl::index_add(Tensor::zeros(shape), dim, index.get("IndexSelect"), g);
                });
}

Variable gather(const Variable& a, int64_t dim, const Tensor& index) {
  return record("Gather", minidl::gather(a.data(), dim, index), {&a},
                [shape = a.shape(), dim, index = SavedTensor(index)](const Tensor& g, Grads gi, const Node&) {
                  gi[0] = minidl::scatter_add(Tensor::zeros(shape), dim, index.get("Gather"), g);
                });
}

namespace {

std::vector<Tensor> values_of(const std::vector<Variable>& parts) {
  std::vector<Tensor> values;
  values.reserve(parts.size());
  for (const Variable& p : parts) values.push_back(p.data());
  return values;
}

/// `value`, the parts joined along dim d, as the output of a node that hands each part its
/// slice of the gradient. A node has at most Node::kMaxInputs inputs, so more parts are joined
/// in that many groups first (each level of groups copies the data once more).
Variable joined(Tensor value, const std::vector<Variable>& parts, int d) {
  if (!grad_enabled() || std::none_of(parts.begin(), parts.end(), [](const Variable& p) { return p.requires_grad(); }))
    return Variable(std::move(value));
  static_assert(Node::kMaxInputs == 3, "the switch below records up to three inputs");
  if (parts.size() > Node::kMaxInputs) {
    const size_t per = (parts.size() + Node::kMaxInputs - 1) / Node::kMaxInputs;
    std::vector<Variable> groups;
    for (size_t i = 0; i < parts.size(); i += per) {
      const std::vector<Variable> group(parts.begin() + static_cast<std::ptrdiff_t>(i),
                                        parts.begin() + static_cast<std::ptrdiff_t>(std::min(i + per, parts.size())));
      groups.push_back(joined(minidl::cat(values_of(group), d), group, d));
    }
    return joined(std::move(value), groups, d);
  }
  std::vector<int64_t> sizes;
  for (const Variable& p : parts) sizes.push_back(p.size(d));
  auto backward = [sizes, d](const Tensor& g, Grads gi, const Node& n) {
    int64_t at = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (n.needs_input_grad(static_cast<int>(i))) gi[i] = g.narrow(d, at, sizes[i]);
      at += sizes[i];
    }
  };
  if (parts.size() == 1) return record("Cat", std::move(value), {&parts[0]}, std::move(backward));
  if (parts.size() == 2) return record("Cat", std::move(value), {&parts[0], &parts[1]}, std::move(backward));
  return record("Cat", std::move(value), {&parts[0], &parts[1], &parts[2]}, std::move(backward));
}

}  // namespace

Variable cat(const std::vector<Variable>& parts, int64_t dim) {
  Tensor value = minidl::cat(values_of(parts), dim);  // checks the parts, naming the one at fault
  const int d = normalize_dim(dim, value.dim(), "cat");
  return joined(std::move(value), parts, d);
}

Variable stack(const std::vector<Variable>& parts, int64_t dim) {
  Tensor value = minidl::stack(values_of(parts), dim);
  const int d = normalize_dim(dim, value.dim(), "stack");
  std::vector<Variable> unsqueezed;
  for (const Variable& p : parts) unsqueezed.push_back(reshape(p, p.data().unsqueeze(d).shape()));
  return joined(std::move(value), unsqueezed, d);
}

}  // namespace minidl
