#include "minidl/autograd/variable.hpp"

#include <ostream>
#include <sstream>

#include "minidl/autograd/grad_mode.hpp"
#include "minidl/autograd/node.hpp"

namespace minidl {

Variable::Variable(Tensor value, bool requires_grad) : impl_(std::make_shared<VariableImpl>()) {
  if (requires_grad && value.defined() && value.dtype() != DType::Float32)
    throw DTypeError("Variable: only float32 values can require gradients, got " +
                     std::string(dtype_name(value.dtype())));
  impl_->value = std::move(value);
  impl_->requires_grad = requires_grad;
}

Variable Variable::from_node(Tensor value, std::shared_ptr<Node> grad_fn) {
  Variable v;
  v.impl_ = std::make_shared<VariableImpl>();
  v.impl_->value = std::move(value);
  v.impl_->requires_grad = true;
  v.impl_->grad_fn = std::move(grad_fn);
  return v;
}

Variable& Variable::requires_grad_(bool on) {
  if (!is_leaf())
    throw Error("requires_grad_: only leaves can change requires_grad; use detach() on the output of " +
                std::string(impl_->grad_fn->name()));
  if (on && impl_->value.dtype() != DType::Float32)
    throw DTypeError("requires_grad_: only float32 values can require gradients");
  impl_->requires_grad = on;
  return *this;
}

void Variable::zero_grad() {
  if (impl_ && impl_->grad.defined()) impl_->grad.zero_();
}

uint64_t Variable::add_grad_ready_hook(std::function<void(const Tensor& grad)> hook) {
  if (!defined() || !is_leaf())
    throw Error("add_grad_ready_hook: only a leaf (a parameter or an input) has a final gradient to report");
  const uint64_t id = impl_->next_hook_id++;
  impl_->grad_ready_hooks.emplace_back(id, std::move(hook));
  return id;
}

void Variable::remove_grad_ready_hook(uint64_t id) {
  std::erase_if(impl_->grad_ready_hooks, [id](const auto& entry) { return entry.first == id; });
}

Variable Variable::detach() const { return Variable(impl_->value, false); }

namespace {
void check_inplace_allowed(const Variable& v, const char* op) {
  if (v.requires_grad() && grad_enabled())
    throw Error(std::string(op) + ": a Variable that requires grad is being modified in place while grad mode "
                "is on; wrap the update in NoGradGuard");
}
}  // namespace

Variable& Variable::operator-=(const Tensor& t) {
  check_inplace_allowed(*this, "operator-=");
  impl_->value.sub_(t);
  return *this;
}

Variable& Variable::operator+=(const Tensor& t) {
  check_inplace_allowed(*this, "operator+=");
  impl_->value.add_(t);
  return *this;
}

Variable& Variable::operator*=(float v) {
  check_inplace_allowed(*this, "operator*=");
  impl_->value.mul_(v);
  return *this;
}

std::ostream& operator<<(std::ostream& os, const Variable& v) {
  if (!v.defined()) return os << "Variable(undefined)";
  std::ostringstream body;
  body << v.data();
  std::string s = body.str();
  s.pop_back();  // the closing parenthesis, to append PyTorch's annotations inside it
  os << s;
  if (v.grad_fn()) os << ", grad_fn=<" << v.grad_fn()->name() << "Backward>";
  else if (v.requires_grad()) os << ", requires_grad=True";
  return os << ')';
}

}  // namespace minidl
