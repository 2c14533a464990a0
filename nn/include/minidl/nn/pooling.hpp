#pragma once
// Pooling over [N, C, H, W]: MaxPool2d, AvgPool2d and AdaptiveAvgPool2d, PyTorch's arguments.
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <tuple>

#include "minidl/core/options.hpp"
#include "minidl/nn/layer_input.hpp"
#include "minidl/nn/module.hpp"

namespace minidl::nn {

struct MaxPool2dOptions {
  Size2 kernel_size{0, 0};
  /// The kernel size when unset, as in PyTorch.
  std::optional<Size2> stride{};
  Size2 padding{0, 0};
  static constexpr auto fields() {
    return std::tuple{
        option("kernel_size", &MaxPool2dOptions::kernel_size, check::positive_size, "window height and width")
            .required(),
        option("stride", &MaxPool2dOptions::stride, check::positive_size,
               "step between windows; the kernel size when omitted"),
        option("padding", &MaxPool2dOptions::padding, check::non_negative_size,
               "implicit padding on each side, at most half the kernel")};
  }
};

/// The largest value of each window.
class MaxPool2d : public Module {
 public:
  using Options = MaxPool2dOptions;
  static constexpr std::string_view doc = "largest value of each window (torch.nn.MaxPool2d)";
  /// For a config: the window must fit the padded image.
  static std::shared_ptr<MaxPool2d> build(MaxPool2dOptions& options, const LayerInput& input);
  explicit MaxPool2d(const MaxPool2dOptions& options);
  Variable forward(const Variable& input) override;
  std::string extra_repr() const override;

 private:
  MaxPool2dOptions options_;
};

struct AvgPool2dOptions {
  Size2 kernel_size{0, 0};
  std::optional<Size2> stride{};
  Size2 padding{0, 0};
  bool count_include_pad = true;
  static constexpr auto fields() {
    return std::tuple{
        option("kernel_size", &AvgPool2dOptions::kernel_size, check::positive_size, "window height and width")
            .required(),
        option("stride", &AvgPool2dOptions::stride, check::positive_size,
               "step between windows; the kernel size when omitted"),
        option("padding", &AvgPool2dOptions::padding, check::non_negative_size,
               "implicit zero padding on each side, at most half the kernel"),
        option("count_include_pad", &AvgPool2dOptions::count_include_pad, check::flag,
               "count padded zeros in the average")};
  }
};

/// The mean of each window.
class AvgPool2d : public Module {
 public:
  using Options = AvgPool2dOptions;
  static constexpr std::string_view doc = "mean of each window (torch.nn.AvgPool2d)";
  static std::shared_ptr<AvgPool2d> build(AvgPool2dOptions& options, const LayerInput& input);
  explicit AvgPool2d(const AvgPool2dOptions& options);
  Variable forward(const Variable& input) override;
  /// k for square k x k windows with stride k and no padding (d2l's pooling), else 1.
  int64_t fusable_average_pool() const override;
  std::string extra_repr() const override;

 private:
  AvgPool2dOptions options_;
};

struct AdaptiveAvgPool2dOptions {
  Size2 output_size{1, 1};
  static constexpr auto fields() {
    return std::tuple{option("output_size", &AdaptiveAvgPool2dOptions::output_size, check::positive_size,
                             "output height and width")
                          .required()};
  }
};

/// Means over windows chosen so the output has output_size, whatever the input size.
class AdaptiveAvgPool2d : public Module {
 public:
  using Options = AdaptiveAvgPool2dOptions;
  static constexpr std::string_view doc =
      "means over windows chosen to give output_size (torch.nn.AdaptiveAvgPool2d)";
  static std::shared_ptr<AdaptiveAvgPool2d> build(AdaptiveAvgPool2dOptions& options, const LayerInput& input);
  explicit AdaptiveAvgPool2d(const AdaptiveAvgPool2dOptions& options) : options_(options) {}
  Variable forward(const Variable& input) override;
  std::string extra_repr() const override;

 private:
  AdaptiveAvgPool2dOptions options_;
};

}  // namespace minidl::nn
