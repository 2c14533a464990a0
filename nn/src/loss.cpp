#include "minidl/nn/loss.hpp"

#include "minidl/core/error.hpp"
#include "class_name.hpp"
#include "repr.hpp"

namespace minidl::nn {
namespace {

// The class indices a classification loss reads; an undefined target stays undefined, and the
// loss's input check names it.
Tensor class_indices(const Variable& target) { return target.defined() ? target.data() : Tensor(); }

}  // namespace

std::string Loss::name() const { return detail::class_name(typeid(*this)); }

std::string Loss::describe() const { return name() + "(reduction=" + reduction_name(reduction_) + ")"; }

Variable MSELoss::forward(const Variable& input, const Variable& target) const {
  return minidl::detail::mse_loss(input, target, reduction(), [this] { return name(); });
}

Variable L1Loss::forward(const Variable& input, const Variable& target) const {
  return minidl::detail::l1_loss(input, target, reduction(), [this] { return name(); });
}

HuberLoss::HuberLoss(Reduction reduction, float delta) : Loss(reduction), delta_(delta) {
  if (!(delta > 0.0f)) throw ValueError("HuberLoss: delta must be > 0, got " + detail::format_float(delta));
}

Variable HuberLoss::forward(const Variable& input, const Variable& target) const {
  return minidl::detail::huber_loss(input, target, reduction(), delta_, [this] { return name(); });
}

std::string HuberLoss::describe() const {
  return name() + "(reduction=" + reduction_name(reduction()) + ", delta=" + detail::format_float(delta_) + ")";
}

Variable CrossEntropyLoss::forward(const Variable& input, const Variable& target) const {
  return minidl::detail::cross_entropy(input, class_indices(target), reduction(), [this] { return name(); });
}

Variable NLLLoss::forward(const Variable& input, const Variable& target) const {
  return minidl::detail::nll_loss(input, class_indices(target), reduction(), [this] { return name(); });
}

Variable BCEWithLogitsLoss::forward(const Variable& input, const Variable& target) const {
  return minidl::detail::binary_cross_entropy_with_logits(input, target, reduction(), [this] { return name(); });
}

}  // namespace minidl::nn
