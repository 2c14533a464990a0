#include "minidl/nn/loss.hpp"

#include "minidl/core/error.hpp"
#include "repr.hpp"

namespace minidl::nn {
namespace {

// Element-wise losses take equal shapes: PyTorch only warns when they differ, and the
// broadcast it then performs ([N, 1] against [N] gives [N, N]) is almost always a bug.
void check_same_shape(const Loss& loss, const Variable& input, const Variable& target) {
  if (!input.defined() || !target.defined())
    throw ValueError(loss.name() + ": input and target must be defined");
  check_dtype(input.data(), DType::Float32, (loss.name() + " input").c_str());
  check_dtype(target.data(), DType::Float32, (loss.name() + " target").c_str());
  if (!(input.shape() == target.shape()))
    throw ShapeError(loss.name() + ": input shape " + to_string(input.shape()) +
                     " and target shape " + to_string(target.shape()) + " differ");
}

// Classification losses: input [N, C] float, target [N] int64 with every entry in [0, C).
void check_class_targets(const Loss& loss, const Variable& input, const Variable& target) {
  if (!input.defined() || !target.defined())
    throw ValueError(loss.name() + ": input and target must be defined");
  check_dtype(input.data(), DType::Float32, (loss.name() + " input").c_str());
  if (target.dtype() != DType::Int64)
    throw DTypeError(loss.name() + ": target must hold int64 class indices, got " +
                     dtype_name(target.dtype()));
  if (input.dim() != 2 || target.dim() != 1 || target.size(0) != input.size(0))
    throw ShapeError(loss.name() + ": expected input [N, C] and target [N], got input " +
                     to_string(input.shape()) + " and target " + to_string(target.shape()));
  const int64_t classes = input.size(1);
  const std::vector<int64_t> labels = target.data().to_int64_vector();
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] < 0 || labels[i] >= classes)
      throw IndexError(loss.name() + ": target[" + std::to_string(i) + "] = " + std::to_string(labels[i]) +
                       " is out of range for " + std::to_string(classes) + " classes");
}

}  // namespace

std::string Loss::describe() const { return name() + "(reduction=" + reduction_name(reduction_) + ")"; }

Variable MSELoss::forward(const Variable& input, const Variable& target) const {
  check_same_shape(*this, input, target);
  return mse_loss(input, target, reduction());
}

Variable L1Loss::forward(const Variable& input, const Variable& target) const {
  check_same_shape(*this, input, target);
  return l1_loss(input, target, reduction());
}

HuberLoss::HuberLoss(Reduction reduction, float delta) : Loss(reduction), delta_(delta) {
  if (!(delta > 0.0f)) throw ValueError("HuberLoss: delta must be > 0, got " + detail::format_float(delta));
}

Variable HuberLoss::forward(const Variable& input, const Variable& target) const {
  check_same_shape(*this, input, target);
  return huber_loss(input, target, reduction(), delta_);
}

std::string HuberLoss::describe() const {
  return name() + "(reduction=" + reduction_name(reduction()) + ", delta=" + detail::format_float(delta_) + ")";
}

Variable CrossEntropyLoss::forward(const Variable& input, const Variable& target) const {
  check_class_targets(*this, input, target);
  return cross_entropy(input, target.data(), reduction());
}

Variable NLLLoss::forward(const Variable& input, const Variable& target) const {
  check_class_targets(*this, input, target);
  return nll_loss(input, target.data(), reduction());
}

Variable BCEWithLogitsLoss::forward(const Variable& input, const Variable& target) const {
  check_same_shape(*this, input, target);
  return binary_cross_entropy_with_logits(input, target, reduction());
}

}  // namespace minidl::nn
