// matmul and linear: sgemm forward, sgemm backward on transposed views (no copies).
#include "minidl/autograd/node.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/core/matmul.hpp"
#include "minidl/core/reduction.hpp"

namespace minidl {

using Grads = std::span<Tensor>;

namespace {
// Gradients of a @ b for 1-D/2-D/3-D operands, from the output gradient g.
Tensor matmul_grad_a(const Tensor& g, const Tensor& a, const Tensor& b) {
  if (a.dim() == 1 && b.dim() == 1) return minidl::mul(b, g);  // dot product: g is 0-dim
  if (a.dim() == 1) return minidl::matmul(b, g);               // [K,N] @ [N]
  if (b.dim() == 1) return minidl::matmul(g.unsqueeze(-1), b.unsqueeze(0));
  return minidl::matmul(g, b.transpose(-1, -2));
}

Tensor matmul_grad_b(const Tensor& g, const Tensor& a, const Tensor& b) {
  if (a.dim() == 1 && b.dim() == 1) return minidl::mul(a, g);
  if (a.dim() == 1) return minidl::matmul(a.unsqueeze(1), g.unsqueeze(0));
  if (b.dim() == 1) return minidl::matmul(a.transpose(-1, -2), g);
  if (a.dim() == 3 && b.dim() == 2)  // b was shared by every batch: sum their contributions
    return minidl::matmul(a.reshape({-1, a.size(-1)}).t(), g.reshape({-1, g.size(-1)}));
  return minidl::matmul(a.transpose(-1, -2), g);
}
}  // namespace

Variable matmul(const Variable& a, const Variable& b) {
  const bool need_a = a.requires_grad(), need_b = b.requires_grad();
  return record("Matmul", minidl::matmul(a.data(), b.data()), {&a, &b},
                [sa = SavedTensor(a.data()), sb = SavedTensor(b.data()), need_a, need_b](const Tensor& g, Grads gi,
                                                                                          const Node&) {
                  const Tensor& av = sa.get("Matmul");
                  const Tensor& bv = sb.get("Matmul");
                  if (need_a) gi[0] = matmul_grad_a(g, av, bv);
                  if (need_b) gi[1] = matmul_grad_b(g, av, bv);
                });
}

Variable linear(const Variable& x, const Variable& weight, const Variable& bias) {
  const Tensor& xv = x.data();
  const Tensor& wv = weight.data();
  if (xv.dim() != 2 || wv.dim() != 2 || xv.size(1) != wv.size(1))
    throw ShapeError("linear: input " + to_string(xv.shape()) + " does not fit weight " + to_string(wv.shape()) +
                     " (expected input [N, " + (wv.dim() == 2 ? std::to_string(wv.size(1)) : std::string("in")) +
                     "] and weight [out, in])");
  if (bias.defined() && (bias.dim() != 1 || bias.size(0) != wv.size(0)))
    throw ShapeError("linear: bias " + to_string(bias.shape()) + " does not fit weight " + to_string(wv.shape()) +
                     " (expected [" + std::to_string(wv.size(0)) + "])");
  Tensor out = bias.defined() ? minidl::addmm(bias.data(), xv, wv.t()) : minidl::matmul(xv, wv.t());
  const Variable& b = bias.defined() ? bias : x;  // x stands in so record() sees 3 inputs
  const bool has_bias = bias.defined();
  Variable y = record("Linear", std::move(out), {&x, &weight, &b},
                      [sx = SavedTensor(xv), sw = SavedTensor(wv), has_bias](const Tensor& g, Grads gi, const Node& n) {
                        if (n.needs_input_grad(0)) gi[0] = minidl::matmul(g, sw.get("Linear"));
                        if (n.needs_input_grad(1)) gi[1] = minidl::matmul(g.t(), sx.get("Linear"));
                        if (has_bias && n.needs_input_grad(2)) gi[2] = minidl::sum(g, 0);
                      });
  if (!has_bias && y.grad_fn()) y.grad_fn()->inputs[2] = nullptr;
  return y;
}

}  // namespace minidl
