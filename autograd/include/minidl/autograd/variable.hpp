#pragma once
// Variable: a Tensor value that autograd tracks — its gradient, whether it requires one,
// and the node that made it. Copies share the same variable (like PyTorch tensors).
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "minidl/core/tensor.hpp"

namespace minidl {

class Node;

/// The shared state behind a Variable.
struct VariableImpl {
  Tensor value;
  Tensor grad;  // undefined until a backward reaches this variable
  bool requires_grad = false;
  std::shared_ptr<Node> grad_fn;  // null for leaves
  /// Called with .grad once a backward is done adding into it (see add_grad_ready_hook), by id.
  std::vector<std::pair<uint64_t, std::function<void(const Tensor&)>>> grad_ready_hooks;
  uint64_t next_hook_id = 0;
  /// Engine bookkeeping for hooked leaves during one backward: the graph's uses of this leaf
  /// not yet run, and whether a gradient arrived.
  int pending_uses = 0;
  bool grad_arrived = false;
};

class Variable {
 public:
  /// An undefined variable.
  Variable() = default;
  /// A leaf holding `value` (implicit, so Tensors pass where Variables are expected).
  Variable(Tensor value, bool requires_grad = false);
  /// Internal: a non-leaf made by an op.
  static Variable from_node(Tensor value, std::shared_ptr<Node> grad_fn);

  bool defined() const { return impl_ != nullptr; }
  /// The value. In-place changes to it (optimizer updates) belong under NoGradGuard.
  Tensor& data() { return impl_->value; }
  const Tensor& data() const { return impl_->value; }
  /// The accumulated gradient (undefined before the first backward that reaches it).
  Tensor& grad() { return impl_->grad; }
  const Tensor& grad() const { return impl_->grad; }
  void set_grad(Tensor grad) { impl_->grad = std::move(grad); }

  bool requires_grad() const { return impl_ && impl_->requires_grad; }
  /// Turns gradient tracking on or off for a leaf (error on a non-leaf).
  Variable& requires_grad_(bool on = true);
  bool is_leaf() const { return impl_->grad_fn == nullptr; }
  const std::shared_ptr<Node>& grad_fn() const { return impl_->grad_fn; }

  /// Backpropagates from this scalar (as if from a gradient of 1).
  void backward(bool retain_graph = false) const;
  /// Backpropagates `grad` (the gradient of some scalar w.r.t. this value, of its shape).
  void backward(const Tensor& grad, bool retain_graph = false) const;
  /// Registers `hook` on this leaf: every backward that adds a gradient into it calls
  /// hook(.grad) once, as soon as its last contribution of that backward is added (before the
  /// rest of the graph has run), so work on the gradient can start early (data-parallel
  /// training sends it while backward goes on). Not called when a backward does not reach it.
  /// Returns an id for remove_grad_ready_hook. Error on a non-leaf.
  uint64_t add_grad_ready_hook(std::function<void(const Tensor& grad)> hook);
  /// Removes the hook `id` returned (no-op if already removed).
  void remove_grad_ready_hook(uint64_t id);
  /// Zeroes the gradient in place (keeping its buffer); no-op when there is none.
  void zero_grad();
  /// The same value, cut off from the graph (shares storage, requires no grad).
  Variable detach() const;

  const Shape& shape() const { return impl_->value.shape(); }
  int dim() const { return impl_->value.dim(); }
  int64_t size(int64_t d) const { return impl_->value.size(d); }
  int64_t numel() const { return impl_->value.numel(); }
  DType dtype() const { return impl_->value.dtype(); }
  float item() const { return impl_->value.item(); }

  /// In-place updates of the value; refused on a leaf that requires grad while grad mode is
  /// on (as PyTorch does), fine under NoGradGuard: `w -= lr * w.grad()`.
  Variable& operator-=(const Tensor& t);
  Variable& operator+=(const Tensor& t);
  Variable& operator*=(float v);

  const std::shared_ptr<VariableImpl>& impl() const { return impl_; }
  /// True when both refer to the same variable.
  bool same(const Variable& other) const { return impl_ == other.impl_; }

 private:
  std::shared_ptr<VariableImpl> impl_;
};

/// Prints the value, plus requires_grad / grad_fn like PyTorch.
std::ostream& operator<<(std::ostream& os, const Variable& v);

}  // namespace minidl
