#include "finite_weights.hpp"

#include <algorithm>
#include <cmath>

#include "minidl/core/error.hpp"

namespace minidl::experiment {

std::string non_finite_name(double x) { return std::isnan(x) ? "nan" : x > 0 ? "inf" : "-inf"; }

std::optional<float> first_non_finite(const Tensor& t) {
  const Tensor values = t.contiguous();
  const float* begin = values.data<float>();
  const float* end = begin + values.numel();
  const float* bad = std::find_if(begin, end, [](float x) { return !std::isfinite(x); });
  if (bad == end) return std::nullopt;
  return *bad;
}

void require_finite_weights(const nn::Module& model, const std::filesystem::path& file) {
  for (const auto& [name, tensor] : model.state_dict()) {
    if (tensor.dtype() != DType::Float32) continue;
    if (const std::optional<float> bad = first_non_finite(tensor))
      throw ValueError("'" + file.string() + "': tensor '" + name + "' holds " + non_finite_name(*bad) +
                       ": these weights cannot give a meaningful output");
  }
}

}  // namespace minidl::experiment
