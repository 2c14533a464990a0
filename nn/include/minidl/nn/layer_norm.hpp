#pragma once
// LayerNorm: normalises each sample over its last dims (torch.nn.LayerNorm).
#include <cstdint>
#include <memory>
#include <string_view>
#include <tuple>
#include <vector>

#include "minidl/core/options.hpp"
#include "minidl/nn/layer_input.hpp"
#include "minidl/nn/module.hpp"

namespace minidl::nn {

struct LayerNormOptions {
  /// The trailing dims normalised over; a config takes a sample's whole shape when unset.
  std::vector<int64_t> normalized_shape;
  double eps = 1e-5;
  bool elementwise_affine = true;
  static constexpr auto fields() {
    return std::tuple{option("normalized_shape", &LayerNormOptions::normalized_shape, check::positive_sizes,
                             "trailing dims to normalise over; a sample's whole shape when omitted"),
                      option("eps", &LayerNormOptions::eps, check::positive, "added to the variance"),
                      option("elementwise_affine", &LayerNormOptions::elementwise_affine, check::flag,
                             "learn weight (1) and bias (0) of normalized_shape")};
  }
};

/// (x - mean) / sqrt(var + eps) * weight + bias over the trailing normalized_shape dims.
class LayerNorm : public Module {
 public:
  using Options = LayerNormOptions;
  static constexpr std::string_view doc = "normalises each sample over its trailing dims (torch.nn.LayerNorm)";
  /// For a config: normalized_shape from the input when empty; it must match its trailing dims.
  static std::shared_ptr<LayerNorm> build(LayerNormOptions& options, const LayerInput& input);
  explicit LayerNorm(const LayerNormOptions& options);
  explicit LayerNorm(std::vector<int64_t> normalized_shape) : LayerNorm(LayerNormOptions{std::move(normalized_shape)}) {}
  Variable forward(const Variable& input) override;
  std::string extra_repr() const override;

 private:
  LayerNormOptions options_;
  Shape shape_;
  Variable weight_;
  Variable bias_;
};

}  // namespace minidl::nn
