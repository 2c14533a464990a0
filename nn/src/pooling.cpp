#include "minidl/nn/pooling.hpp"

#include <typeinfo>

#include "minidl/autograd/image_ops.hpp"
#include "minidl/core/error.hpp"
#include "minidl/nn/conv2d.hpp"

namespace minidl::nn {

namespace {

std::string pair_text(const Size2& s) { return OptionTraits<Size2>::format(s); }

// A pooling window must fit the padded image and PyTorch's padding rule (at most half the
// window), or the layer is refused at the option at fault.
void check_window(std::string_view layer, const Size2& kernel, const Size2& stride, const Size2& padding,
                  const LayerInput& input) {
  if (input.shape.size() != 3)
    throw OptionError(std::string(layer), "kernel_size",
                      "needs [C, H, W] samples, got " + input.source);
  for (int d = 0; d < 2; ++d) {
    if (2 * padding[d] > kernel[d])
      throw OptionError(std::string(layer), "padding",
                        "padding " + pair_text(padding) + " must be at most half the kernel " + pair_text(kernel));
    if (conv_output_size(input.shape[1 + d], kernel[d], stride[d], padding[d]) <= 0)
      throw OptionError(std::string(layer), "kernel_size",
                        "the window " + pair_text(kernel) + " does not fit " + input.source + ": " +
                            std::to_string(input.shape[1 + d]) + (d == 0 ? " rows" : " columns") + " with padding " +
                            std::to_string(padding[d]));
  }
}

std::string window_repr(const Size2& kernel, const Size2& stride, const Size2& padding) {
  return "kernel_size=" + pair_text(kernel) + ", stride=" + pair_text(stride) + ", padding=" + pair_text(padding);
}

// A sliding-window layer for a config: its window checked against the input, then built.
template <class Layer, class Options>
std::shared_ptr<Layer> build_sliding(std::string_view layer, Options& options, const LayerInput& input) {
  check_window(layer, options.kernel_size, options.stride.value_or(options.kernel_size), options.padding, input);
  return std::make_shared<Layer>(options);
}

// Validated options with the stride defaulted to the kernel size, as PyTorch does.
template <class Options>
Options with_default_stride(Options options, std::string_view layer) {
  validate_options(options, layer);
  if (!options.stride) options.stride = options.kernel_size;
  return options;
}

}  // namespace

std::shared_ptr<MaxPool2d> MaxPool2d::build(MaxPool2dOptions& options, const LayerInput& input) {
  return build_sliding<MaxPool2d>("max_pool2d", options, input);
}

MaxPool2d::MaxPool2d(const MaxPool2dOptions& options) : options_(with_default_stride(options, "MaxPool2d")) {}

Variable MaxPool2d::forward(const Variable& input) {
  return max_pool2d(input, options_.kernel_size, *options_.stride, options_.padding);
}

std::string MaxPool2d::extra_repr() const {
  return window_repr(options_.kernel_size, *options_.stride, options_.padding) + ", dilation=1, ceil_mode=False";
}

std::shared_ptr<AvgPool2d> AvgPool2d::build(AvgPool2dOptions& options, const LayerInput& input) {
  return build_sliding<AvgPool2d>("avg_pool2d", options, input);
}

AvgPool2d::AvgPool2d(const AvgPool2dOptions& options) : options_(with_default_stride(options, "AvgPool2d")) {}

Variable AvgPool2d::forward(const Variable& input) {
  return avg_pool2d(input, options_.kernel_size, *options_.stride, options_.padding, options_.count_include_pad);
}

// A subclass may compute something else in its forward: only AvgPool2d itself is fused.
int64_t AvgPool2d::fusable_average_pool() const {
  const Size2& k = options_.kernel_size;
  const bool square_tiles = k[0] == k[1] && *options_.stride == k && options_.padding == Size2{0, 0};
  return typeid(*this) == typeid(AvgPool2d) && square_tiles ? k[0] : 1;
}

std::string AvgPool2d::extra_repr() const {
  return window_repr(options_.kernel_size, *options_.stride, options_.padding);
}

std::shared_ptr<AdaptiveAvgPool2d> AdaptiveAvgPool2d::build(AdaptiveAvgPool2dOptions& options,
                                                            const LayerInput& input) {
  if (input.shape.size() != 3)
    throw OptionError("adaptive_avg_pool2d", "output_size",
                      "needs [C, H, W] samples, got " + input.source);
  return std::make_shared<AdaptiveAvgPool2d>(options);
}

Variable AdaptiveAvgPool2d::forward(const Variable& input) { return adaptive_avg_pool2d(input, options_.output_size); }

std::string AdaptiveAvgPool2d::extra_repr() const { return "output_size=" + pair_text(options_.output_size); }

}  // namespace minidl::nn
