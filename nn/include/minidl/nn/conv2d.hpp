#pragma once
// Conv2d: 2-D convolution over [N, C, H, W], PyTorch's layout, arguments and initialisation.
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <tuple>

#include "minidl/core/generator.hpp"
#include "minidl/core/options.hpp"
#include "minidl/nn/layer_input.hpp"
#include "minidl/nn/module.hpp"

namespace minidl::nn {

struct Conv2dOptions {
  /// Taken from the input's channels when unset.
  std::optional<int64_t> in_channels{};
  int64_t out_channels = 0;
  Size2 kernel_size{0, 0};
  Size2 stride{1, 1};
  Size2 padding{0, 0};
  Size2 dilation{1, 1};
  int64_t groups = 1;
  bool bias = true;
  static constexpr auto fields() {
    return std::tuple{
        option("in_channels", &Conv2dOptions::in_channels, check::positive_int,
               "input channels; taken from the input when omitted"),
        option("out_channels", &Conv2dOptions::out_channels, check::positive_int, "output channels").required(),
        option("kernel_size", &Conv2dOptions::kernel_size, check::positive_size, "kernel height and width").required(),
        option("stride", &Conv2dOptions::stride, check::positive_size, "step between kernel positions"),
        option("padding", &Conv2dOptions::padding, check::non_negative_size, "zeros added on each side"),
        option("dilation", &Conv2dOptions::dilation, check::positive_size, "spacing between kernel elements"),
        option("groups", &Conv2dOptions::groups, check::positive_int,
               "blocked connections: in_channels and out_channels must both divide by it"),
        option("bias", &Conv2dOptions::bias, check::flag, "learn an additive bias per output channel")};
  }
};

/// y = x * W + b: weight [out_channels, in_channels / groups, kh, kw], bias [out_channels].
/// Default init as PyTorch: weight kaiming_uniform(a = sqrt(5)), bias U(-1/sqrt(fan_in), ...).
class Conv2d : public Module {
 public:
  using Options = Conv2dOptions;
  static constexpr std::string_view doc = "2-D convolution over [C, H, W] samples (torch.nn.Conv2d)";
  /// For a config: in_channels from the input when unset; the kernel must fit the padded image.
  static std::shared_ptr<Conv2d> build(Conv2dOptions& options, const LayerInput& input);

  /// in_channels must be set; initialised from `gen` (nn::default_generator() without one).
  explicit Conv2d(const Conv2dOptions& options);
  Conv2d(const Conv2dOptions& options, Generator& gen);

  /// x [N, in_channels, H, W] -> [N, out_channels, H', W'].
  Variable forward(const Variable& input) override;
  /// conv2d with the activation applied as the output is written (see Module).
  Variable forward_activated(const Variable& input, Activation activation, int64_t average_pool) override;
  std::string extra_repr() const override;

  const Conv2dOptions& options() const { return options_; }
  const Variable& weight() const { return weight_; }
  const Variable& bias() const { return bias_; }
  /// PyTorch's reset_parameters with draws from `gen`.
  void reset_parameters(Generator& gen);

 private:
  Conv2dOptions options_;
  Variable weight_;
  Variable bias_;
};

/// Output size of a convolution or pooling along one dim (PyTorch's floor formula); <= 0 when
/// the kernel does not fit.
int64_t conv_output_size(int64_t in, int64_t kernel, int64_t stride, int64_t padding, int64_t dilation = 1);

}  // namespace minidl::nn
