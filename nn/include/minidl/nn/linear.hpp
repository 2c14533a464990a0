#pragma once
// Linear: y = x W^T + b, PyTorch's layout and default initialisation.
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

struct LinearOptions {
  /// Taken from the input when unset (and recorded, so a resolved config shows it).
  std::optional<int64_t> in{};
  int64_t out = 0;
  bool bias = true;
  static constexpr auto fields() {
    return std::tuple{option("in", &LinearOptions::in, check::positive_int, "input features; taken from the input when omitted"),
                      option("out", &LinearOptions::out, check::positive_int, "output features").required(),
                      option("bias", &LinearOptions::bias, check::flag, "learn an additive bias")};
  }
};

/// A fully connected layer: weight [out_features, in_features], bias [out_features].
/// Default init as PyTorch: weight kaiming_uniform(a = sqrt(5)), i.e. U(-1/sqrt(in), 1/sqrt(in)),
/// and bias U(-1/sqrt(in), 1/sqrt(in)).
class Linear : public Module {
 public:
  using Options = LinearOptions;
  static constexpr std::string_view doc =
      "y = x W^T + b (torch.nn.Linear); weight [out, in], bias [out], PyTorch's default init";
  /// For a config: `in` from the input's last dim when unset (an error when set and different),
  /// initialised from the input's generator, after checking the weights fit in memory.
  static std::shared_ptr<Linear> build(LinearOptions& options, const LayerInput& input);

  /// Initialised from nn::default_generator().
  Linear(int64_t in_features, int64_t out_features, bool bias = true);
  /// Initialised from `gen` (used only here, not kept).
  Linear(int64_t in_features, int64_t out_features, bool bias, Generator& gen);

  /// x [*, in_features] -> [*, out_features]; throws ShapeError on another last dim.
  Variable forward(const Variable& input) override;
  std::string extra_repr() const override;

  int64_t in_features() const { return in_features_; }
  int64_t out_features() const { return out_features_; }
  const Variable& weight() const { return weight_; }
  /// Undefined when built with bias = false.
  const Variable& bias() const { return bias_; }
  /// Redraws weight and bias with the default initialisation.
  void reset_parameters(Generator& gen);

 private:
  int64_t in_features_;
  int64_t out_features_;
  Variable weight_;
  Variable bias_;
};

}  // namespace minidl::nn
