#pragma once
// Weights holding NaN or infinity: a run that diverged, or a weights file whose predictions
// would all be NaN.
#include <filesystem>
#include <optional>
#include <string>

#include "minidl/core/tensor.hpp"
#include "minidl/nn/module.hpp"

namespace minidl::experiment {

/// "nan", "inf" or "-inf", the same for any NaN's sign.
std::string non_finite_name(double x);

/// The first NaN or infinite value of the float32 tensor `t`, if any.
std::optional<float> first_non_finite(const Tensor& t);

/// Throws ValueError naming `file` and the tensor when a parameter or buffer `model` took from
/// `file` holds a NaN or infinite value.
void require_finite_weights(const nn::Module& model, const std::filesystem::path& file);

}  // namespace minidl::experiment
