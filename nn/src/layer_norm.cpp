#include "minidl/nn/layer_norm.hpp"

#include "minidl/autograd/image_ops.hpp"
#include "minidl/core/error.hpp"
#include "repr.hpp"

namespace minidl::nn {

namespace {

Shape to_shape(const std::vector<int64_t>& dims) {
  Shape shape;
  for (int64_t d : dims) shape.push_back(d);
  return shape;
}

}  // namespace

std::shared_ptr<LayerNorm> LayerNorm::build(LayerNormOptions& options, const LayerInput& input) {
  if (options.normalized_shape.empty()) {
    options.normalized_shape.assign(input.shape.begin(), input.shape.end());
  } else {
    const size_t n = options.normalized_shape.size();
    bool fits = n <= static_cast<size_t>(input.shape.size());
    for (size_t i = 0; fits && i < n; ++i)
      fits = options.normalized_shape[i] == input.shape[input.shape.size() - n + i];
    if (!fits)
      throw OptionError("layer_norm", "normalized_shape",
                        "normalized_shape " + OptionTraits<std::vector<int64_t>>::format(options.normalized_shape) +
                            " must be the trailing dims of " + input.source);
  }
  return std::make_shared<LayerNorm>(options);
}

LayerNorm::LayerNorm(const LayerNormOptions& options) : options_(options), shape_(to_shape(options.normalized_shape)) {
  if (options.normalized_shape.empty()) throw ValueError("LayerNorm: normalized_shape must not be empty");
  for (int64_t d : options.normalized_shape)
    if (d <= 0) throw ValueError("LayerNorm: normalized_shape must be positive sizes, got " + to_string(shape_));
  validate_options(options_, "LayerNorm");
  if (options.elementwise_affine) {
    weight_ = register_parameter("weight", Variable(Tensor::ones(shape_), true));
    bias_ = register_parameter("bias", Variable(Tensor::zeros(shape_), true));
  }
}

Variable LayerNorm::forward(const Variable& input) { return layer_norm(input, shape_, weight_, bias_, options_.eps); }

std::string LayerNorm::extra_repr() const {
  std::string dims;
  for (int64_t d : options_.normalized_shape) dims += std::to_string(d) + ",";
  if (options_.normalized_shape.size() > 1) dims.pop_back();
  return "(" + dims + "), eps=" + detail::format_float(static_cast<float>(options_.eps)) +
         ", elementwise_affine=" + detail::format_bool(options_.elementwise_affine);
}

}  // namespace minidl::nn
