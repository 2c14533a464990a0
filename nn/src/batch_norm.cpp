#include "minidl/nn/batch_norm.hpp"

#include <algorithm>
#include <typeinfo>

#include "minidl/autograd/grad_mode.hpp"
#include "minidl/autograd/image_ops.hpp"
#include "minidl/core/error.hpp"
#include "repr.hpp"

namespace minidl::nn {

namespace {

// "[C] or [C, L]": the sample shapes a BatchNorm of these sample dims takes, as PyTorch names them.
std::string sample_shapes_text(std::initializer_list<size_t> sample_dims) {
  static const char* const kShapes[] = {"[]", "[C]", "[C, L]", "[C, H, W]", "[C, D, H, W]"};
  std::string text;
  for (size_t d : sample_dims) {
    if (!text.empty()) text += " or ";
    text += kShapes[std::min<size_t>(d, 4)];
  }
  return text;
}

}  // namespace

BatchNorm::BatchNorm(const BatchNormOptions& options, std::string_view type, std::initializer_list<size_t> sample_dims)
    : options_(options), type_(type), sample_dims_(sample_dims) {
  if (!options.num_features) throw ValueError(type_ + ": num_features must be set");
  validate_options(options_, type_);
  const int64_t c = *options.num_features;
  weight_ = register_parameter("weight", Variable(Tensor::ones({c}), true));
  bias_ = register_parameter("bias", Variable(Tensor::zeros({c}), true));
  running_mean_ = register_buffer("running_mean", Tensor::zeros({c}));
  running_var_ = register_buffer("running_var", Tensor::ones({c}));
  num_batches_tracked_ = register_buffer("num_batches_tracked", Tensor::zeros({}, DType::Int64));
}

void BatchNorm::infer_features(BatchNormOptions& options, std::string_view layer,
                               std::initializer_list<size_t> sample_dims, const LayerInput& input) {
  if (std::find(sample_dims.begin(), sample_dims.end(), input.shape.size()) == sample_dims.end())
    throw OptionError(std::string(layer), "num_features",
                      "needs " + sample_shapes_text(sample_dims) + " samples, got " + input.source);
  const int64_t channels = input.shape[0];
  if (options.num_features && *options.num_features != channels)
    throw OptionError(std::string(layer), "num_features",
                      "expects num_features: " + std::to_string(*options.num_features) + ", but " + input.source +
                          " has " + std::to_string(channels) + " (omit it to take it from the input)");
  options.num_features = channels;
}

std::shared_ptr<BatchNorm1d> BatchNorm1d::build(BatchNormOptions& options, const LayerInput& input) {
  infer_features(options, "batch_norm1d", {1, 2}, input);
  return std::make_shared<BatchNorm1d>(options);
}

std::shared_ptr<BatchNorm2d> BatchNorm2d::build(BatchNormOptions& options, const LayerInput& input) {
  infer_features(options, "batch_norm2d", {3}, input);
  return std::make_shared<BatchNorm2d>(options);
}

Variable BatchNorm::forward(const Variable& input) { return forward_activated(input, Activation::None, 1); }

Variable BatchNorm::forward_activated(const Variable& input, Activation activation, int64_t average_pool) {
  if (average_pool != 1) return Variable();
  // A subclass's forward may differ (BatchNorm1d and BatchNorm2d only check shapes in BatchNorm's).
  if (activation != Activation::None && typeid(*this) != typeid(BatchNorm1d) && typeid(*this) != typeid(BatchNorm2d))
    return Variable();
  const size_t sample_rank = input.dim() > 0 ? static_cast<size_t>(input.dim() - 1) : 0;
  if (std::find(sample_dims_.begin(), sample_dims_.end(), sample_rank) == sample_dims_.end() ||
      input.size(1) != *options_.num_features)
    throw ShapeError(type_ + "(" + std::to_string(*options_.num_features) + "): input shape " +
                     to_string(input.shape()) + " needs " + std::to_string(*options_.num_features) +
                     " channels in dim 1");
  if (is_training()) {
    {
      NoGradGuard no_grad;
      num_batches_tracked_.data<int64_t>()[0] += 1;
    }
    return batch_norm(input, weight_, bias_, &running_mean_, &running_var_, true, options_.momentum, options_.eps,
                      activation);
  }
  return batch_norm(input, weight_, bias_, &running_mean_, &running_var_, false, options_.momentum, options_.eps,
                    activation);
}

int64_t BatchNorm::min_training_batch(const Shape& sample) const {
  const int64_t per_channel = sample.size() > 0 && sample[0] > 0 ? sample.numel() / sample[0] : 1;
  return per_channel > 1 ? 1 : 2;
}

int64_t BatchNorm::num_batches_tracked() const { return num_batches_tracked_.data<int64_t>()[0]; }

std::string BatchNorm::extra_repr() const {
  return std::to_string(*options_.num_features) + ", eps=" + detail::format_float(static_cast<float>(options_.eps)) +
         ", momentum=" + detail::format_float(static_cast<float>(options_.momentum)) +
         ", affine=True, track_running_stats=True";
}

}  // namespace minidl::nn
