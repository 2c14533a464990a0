#pragma once
// Gradient clipping, as torch.nn.utils.clip_grad_norm_ / clip_grad_value_ (PyTorch 1.13).
// Parameters without a gradient are ignored.
#include <limits>
#include <vector>

#include "minidl/autograd/variable.hpp"
#include "minidl/optim/param_group.hpp"

namespace minidl::optim {

/// Scales all gradients by max_norm / (total + 1e-6) when that is below 1, where total is
/// the norm_type-norm of all gradients together (infinity: the largest magnitude).
/// Returns total, the norm before clipping.
float clip_grad_norm_(const std::vector<Variable>& params, double max_norm, double norm_type = 2.0);
float clip_grad_norm_(const NamedParameters& params, double max_norm, double norm_type = 2.0);

/// Clamps every gradient element to [-clip_value, clip_value].
void clip_grad_value_(const std::vector<Variable>& params, double clip_value);
void clip_grad_value_(const NamedParameters& params, double clip_value);

/// norm_type for the max-norm.
inline constexpr double kInfNorm = std::numeric_limits<double>::infinity();

}  // namespace minidl::optim
