#include "minidl/nn/conv2d.hpp"

#include <cmath>
#include <typeinfo>

#include "minidl/autograd/image_ops.hpp"
#include "minidl/core/error.hpp"
#include "minidl/core/memory_budget.hpp"
#include "minidl/nn/init.hpp"
#include "minidl/nn/random.hpp"

namespace minidl::nn {

int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t padding, int64_t dilation) {
  return (in + 2 * padding - dilation * (kernel - 1) - 1) / stride + 1;
}

std::shared_ptr<Conv2d> Conv2d::build(Conv2dOptions& options, const LayerInput& input) {
  if (input.shape.size() != 3)
    throw OptionError("conv2d", "in_channels",
                      "needs [C, H, W] samples, got " + input.source +
                          " (image data, or a layer that keeps the image shape, must come before it)");
  const int64_t channels = input.shape[0];
  if (options.in_channels && *options.in_channels != channels)
    throw OptionError("conv2d", "in_channels",
                      "expects in_channels: " + std::to_string(*options.in_channels) + ", but " + input.source +
                          " has " + std::to_string(channels) + " channels (omit it to take it from the input)");
  options.in_channels = channels;
  if (channels % options.groups != 0 || options.out_channels % options.groups != 0)
    throw OptionError("conv2d", "groups",
                      "groups " + std::to_string(options.groups) + " must divide in_channels " +
                          std::to_string(channels) + " and out_channels " + std::to_string(options.out_channels));
  for (int d = 0; d < 2; ++d) {
    const int64_t out = conv_output_size(input.shape[1 + d], options.kernel_size[d], options.stride[d],
                                         options.padding[d], options.dilation[d]);
    if (out > 0) continue;
    // A kernel that fits undilated is spread past the image by its dilation: that is the option to fix.
    const bool dilated_too_far = options.dilation[d] > 1 && conv_output_size(input.shape[1 + d], options.kernel_size[d],
                                                                             options.stride[d], options.padding[d], 1) > 0;
    throw OptionError("conv2d", dilated_too_far ? "dilation" : "kernel_size",
                      "the kernel " + OptionTraits<Size2>::format(options.kernel_size) + " (dilation " +
                          OptionTraits<Size2>::format(options.dilation) + ") does not fit " + input.source +
                          ": " + std::to_string(input.shape[1 + d]) + (d == 0 ? " rows" : " columns") +
                          " with padding " + std::to_string(options.padding[d]));
  }
  require_memory("conv2d", "out_channels", std::to_string(options.out_channels),
                 tensor_bytes({options.out_channels, channels / options.groups, options.kernel_size[0],
                               options.kernel_size[1]},
                              sizeof(float)),
                 "the weight (float32)");
  return std::make_shared<Conv2d>(options, input.gen);
}

Conv2d::Conv2d(const Conv2dOptions& options) : Conv2d(options, default_generator()) {}

Conv2d::Conv2d(const Conv2dOptions& options, Generator& gen) : options_(options) {
  if (!options.in_channels) throw ValueError("Conv2d: in_channels must be set");
  validate_options(options_, "Conv2d");
  const int64_t in = *options.in_channels;
  if (in % options.groups != 0 || options.out_channels % options.groups != 0)
    throw ValueError("Conv2d: groups " + std::to_string(options.groups) + " must divide in_channels " +
                     std::to_string(in) + " and out_channels " + std::to_string(options.out_channels));
  weight_ = register_parameter(
      "weight", Variable(Tensor::empty({options.out_channels, in / options.groups, options.kernel_size[0],
                                        options.kernel_size[1]}),
                         true));
  if (options.bias) bias_ = register_parameter("bias", Variable(Tensor::empty({options.out_channels}), true));
  reset_parameters(gen);
}

void Conv2d::reset_parameters(Generator& gen) {
  init::kaiming_uniform_(weight_, gen, std::sqrt(5.0));
  if (bias_.defined()) {
    const auto [fan_in, fan_out] = init::calculate_fan_in_and_fan_out(weight_.shape());
    const double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias_, gen, static_cast<float>(-bound), static_cast<float>(bound));
  }
}

Variable Conv2d::forward(const Variable& input) {
  return conv2d(input, weight_, bias_, options_.stride, options_.padding, options_.dilation, options_.groups);
}

Variable Conv2d::forward_activated(const Variable& input, Activation activation, int64_t average_pool) {
  if (typeid(*this) != typeid(Conv2d)) return Variable();  // a subclass's forward may differ
  if (average_pool > 1) {
    // A pool that does not fit the output runs apart, so that AvgPool2d reports it.
    if (input.dim() != 4) return Variable();
    for (size_t d = 0; d < 2; ++d)
      if (conv_output_size(input.size(static_cast<int64_t>(d) + 2), options_.kernel_size[d], options_.stride[d],
                           options_.padding[d], options_.dilation[d]) < average_pool)
        return Variable();
  }
  return conv2d(input, weight_, bias_, options_.stride, options_.padding, options_.dilation, options_.groups,
                activation, average_pool);
}

std::string Conv2d::extra_repr() const {
  const auto pair = [](const Size2& s) {
    // Appended, not "(" + ...: GCC 12 warns falsely (-Wrestrict) on that form once it is inlined.
    std::string text = "(";
    text += std::to_string(s[0]);
    text += ", ";
    text += std::to_string(s[1]);
    return text += ")";
  };
  std::string text = std::to_string(*options_.in_channels) + ", " + std::to_string(options_.out_channels) +
                     ", kernel_size=" + pair(options_.kernel_size) + ", stride=" + pair(options_.stride);
  if (options_.padding != Size2{0, 0}) text += ", padding=" + pair(options_.padding);
  if (options_.dilation != Size2{1, 1}) text += ", dilation=" + pair(options_.dilation);
  if (options_.groups != 1) text += ", groups=" + std::to_string(options_.groups);
  if (!options_.bias) text += ", bias=False";
  return text;
}

}  // namespace minidl::nn
