#include "minidl/nn/linear.hpp"

#include <cmath>

#include "minidl/autograd/ops.hpp"
#include "minidl/core/error.hpp"
#include "minidl/core/memory_budget.hpp"
#include "minidl/nn/init.hpp"
#include "minidl/nn/random.hpp"
#include "repr.hpp"

namespace minidl::nn {

std::shared_ptr<Linear> Linear::build(LinearOptions& options, const LayerInput& input) {
  if (input.shape.empty())
    throw OptionError("linear", "in",
                      "needs samples with a feature dimension, got " + input.source);
  const int64_t features = input.shape.back();
  if (options.in && *options.in != features)
    throw OptionError("linear", "in",
                      "expects in: " + std::to_string(*options.in) + " features, but " + input.source +
                          " has " + std::to_string(features) + " (omit 'in' to take it from the input)");
  options.in = features;
  const int64_t out = options.out;
  const std::string shape = "[" + std::to_string(out) + ", " + std::to_string(features) + "]";
  require_memory("linear", "out", std::to_string(out),
                 add_bytes(tensor_bytes({out, features}, sizeof(float)),
                           tensor_bytes({options.bias ? out : 0}, sizeof(float))),
                 "the weight " + shape + (options.bias ? " and bias [" + std::to_string(out) + "]" : "") +
                     " (float32)");
  return std::make_shared<Linear>(features, out, options.bias, input.gen);
}

Linear::Linear(int64_t in_features, int64_t out_features, bool bias)
    : Linear(in_features, out_features, bias, default_generator()) {}

Linear::Linear(int64_t in_features, int64_t out_features, bool bias, Generator& gen)
    : in_features_(in_features), out_features_(out_features) {
  if (in_features < 0 || out_features < 0)
    throw ValueError("Linear: in_features and out_features must be >= 0, got " +
                     std::to_string(in_features) + " and " + std::to_string(out_features));
  weight_ = register_parameter("weight", Variable(Tensor::empty({out_features, in_features}), true));
  if (bias) bias_ = register_parameter("bias", Variable(Tensor::empty({out_features}), true));
  reset_parameters(gen);
}

void Linear::reset_parameters(Generator& gen) {
  init::kaiming_uniform_(weight_, gen, std::sqrt(5.0));
  if (bias_.defined()) {
    const double bound = in_features_ > 0 ? 1.0 / std::sqrt(static_cast<double>(in_features_)) : 0.0;
    init::uniform_(bias_, gen, static_cast<float>(-bound), static_cast<float>(bound));
  }
}

Variable Linear::forward(const Variable& input) {
  if (input.dim() == 0 || input.size(-1) != in_features_)
    throw ShapeError("Linear(in_features=" + std::to_string(in_features_) + "): input shape " +
                     to_string(input.shape()) + " needs last dim " + std::to_string(in_features_));
  if (input.dim() == 2) return linear(input, weight_, bias_);
  // Other ranks go through the 2-D op: [*, in] -> [N, in] -> [N, out] -> [*, out].
  Shape out_shape = input.shape();
  out_shape[out_shape.size() - 1] = out_features_;
  Variable flat = reshape(input, {-1, in_features_});
  return reshape(linear(flat, weight_, bias_), out_shape);
}

std::string Linear::extra_repr() const {
  return "in_features=" + std::to_string(in_features_) + ", out_features=" +
         std::to_string(out_features_) + ", bias=" + detail::format_bool(bias_.defined());
}

}  // namespace minidl::nn
