// Arithmetic ops: each forward is followed by its backward (in the lambda it records).
// Broadcast inputs get their gradient summed back to their own shape with sum_to.
#include <cmath>

#include "minidl/autograd/node.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/core/reduction.hpp"

namespace minidl {

using Grads = std::span<Tensor>;

Variable add(const Variable& a, const Variable& b) {
  return record("Add", minidl::add(a.data(), b.data()), {&a, &b},
                [sa = a.shape(), sb = b.shape()](const Tensor& g, Grads gi, const Node& n) {
                  if (n.needs_input_grad(0)) gi[0] = sum_to(g, sa);
                  if (n.needs_input_grad(1)) gi[1] = sum_to(g, sb);
                });
}

Variable sub(const Variable& a, const Variable& b) {
  return record("Sub", minidl::sub(a.data(), b.data()), {&a, &b},
                [sa = a.shape(), sb = b.shape()](const Tensor& g, Grads gi, const Node& n) {
                  if (n.needs_input_grad(0)) gi[0] = sum_to(g, sa);
                  if (n.needs_input_grad(1)) gi[1] = minidl::neg(sum_to(g, sb));
                });
}

Variable mul(const Variable& a, const Variable& b) {
  const bool need_a = a.requires_grad(), need_b = b.requires_grad();
  return record("Mul", minidl::mul(a.data(), b.data()), {&a, &b},
                [sa = need_b ? SavedTensor(a.data()) : SavedTensor(), sb = need_a ? SavedTensor(b.data()) : SavedTensor(),
                 shape_a = a.shape(), shape_b = b.shape()](const Tensor& g, Grads gi, const Node& n) {
                  if (n.needs_input_grad(0)) gi[0] = sum_to(minidl::mul(g, sb.get("Mul")), shape_a);
                  if (n.needs_input_grad(1)) gi[1] = sum_to(minidl::mul(g, sa.get("Mul")), shape_b);
                });
}

Variable div(const Variable& a, const Variable& b) {
  return record("Div", minidl::div(a.data(), b.data()), {&a, &b},
                [sa = SavedTensor(a.data()), sb = SavedTensor(b.data())](const Tensor& g, Grads gi, const Node& n) {
                  const Tensor& av = sa.get("Div");
                  const Tensor& bv = sb.get("Div");
                  if (n.needs_input_grad(0)) gi[0] = sum_to(minidl::div(g, bv), av.shape());
                  // d(a/b)/db = -a / b^2
                  if (n.needs_input_grad(1))
                    gi[1] = sum_to(minidl::neg(minidl::div(minidl::mul(g, av), minidl::mul(bv, bv))), bv.shape());
                });
}

Variable add(const Variable& a, float b) {
  return record("AddScalar", minidl::add(a.data(), b), {&a},
                [](const Tensor& g, Grads gi, const Node&) { gi[0] = g; });
}

Variable sub(const Variable& a, float b) {
  return record("SubScalar", minidl::sub(a.data(), b), {&a},
                [](const Tensor& g, Grads gi, const Node&) { gi[0] = g; });
}

Variable rsub(const Variable& a, float b) {
  return record("RsubScalar", minidl::rsub(a.data(), b), {&a},
                [](const Tensor& g, Grads gi, const Node&) { gi[0] = minidl::neg(g); });
}

Variable mul(const Variable& a, float b) {
  return record("MulScalar", minidl::mul(a.data(), b), {&a},
                [b](const Tensor& g, Grads gi, const Node&) { gi[0] = minidl::mul(g, b); });
}

Variable div(const Variable& a, float b) {
  return record("DivScalar", minidl::div(a.data(), b), {&a},
                [b](const Tensor& g, Grads gi, const Node&) { gi[0] = minidl::div(g, b); });
}

Variable neg(const Variable& a) {
  return record("Neg", minidl::neg(a.data()), {&a},
                [](const Tensor& g, Grads gi, const Node&) { gi[0] = minidl::neg(g); });
}

Variable pow(const Variable& a, float exponent) {
  return record("Pow", minidl::pow(a.data(), exponent), {&a},
                [sa = SavedTensor(a.data()), exponent](const Tensor& g, Grads gi, const Node&) {
                  const Tensor& av = sa.get("Pow");
                  if (exponent == 0.0f) gi[0] = Tensor::zeros(av.shape());
                  else if (exponent == 2.0f) gi[0] = minidl::mul(minidl::mul(g, av), 2.0f);
                  else gi[0] = minidl::mul(g, minidl::mul(minidl::pow(av, exponent - 1.0f), exponent));
                });
}

Variable rdiv(const Variable& a, float b) {
  return record("RdivScalar", minidl::rdiv(a.data(), b), {&a},
                [sa = SavedTensor(a.data()), b](const Tensor& g, Grads gi, const Node&) {
                  // d(b/a)/da = -b / a^2
                  const Tensor& av = sa.get("RdivScalar");
                  gi[0] = minidl::div(minidl::mul(g, -b), minidl::mul(av, av));
                });
}

namespace {
/// The share of the gradient that goes to the first operand of maximum (or minimum, where
/// `loses` is gt): 1 where it was taken, 0 where the other was, 1/2 at ties. A NaN operand
/// compares false everywhere and gets the whole gradient, as in PyTorch.
Tensor winner_share(const Tensor& x, const Tensor& other, Tensor (*loses)(const Tensor&, const Tensor&)) {
  return minidl::sub(minidl::rsub(loses(x, other), 1.0f), minidl::mul(minidl::eq(x, other), 0.5f));
}

Variable pick(const char* name, Tensor value, const Variable& a, const Variable& b,
              Tensor (*loses)(const Tensor&, const Tensor&)) {
  return record(name, std::move(value), {&a, &b},
                [sa = SavedTensor(a.data()), sb = SavedTensor(b.data()), name, loses](const Tensor& g, Grads gi,
                                                                                     const Node& n) {
                  const Tensor& av = sa.get(name);
                  const Tensor& bv = sb.get(name);
                  if (n.needs_input_grad(0)) gi[0] = sum_to(minidl::mul(g, winner_share(av, bv, loses)), av.shape());
                  if (n.needs_input_grad(1)) gi[1] = sum_to(minidl::mul(g, winner_share(bv, av, loses)), bv.shape());
                });
}
}  // namespace

Variable maximum(const Variable& a, const Variable& b) {
  return pick("Maximum", minidl::maximum(a.data(), b.data()), a, b, minidl::lt);
}

Variable minimum(const Variable& a, const Variable& b) {
  return pick("Minimum", minidl::minimum(a.data(), b.data()), a, b, minidl::gt);
}

}  // namespace minidl
