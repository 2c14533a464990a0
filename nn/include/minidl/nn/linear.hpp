#pragma once
// Linear: y = x W^T + b, PyTorch's layout and default initialisation.
#include <cstdint>

#include "minidl/core/generator.hpp"
#include "minidl/nn/module.hpp"

namespace minidl::nn {

/// A fully connected layer: weight [out_features, in_features], bias [out_features].
/// Default init as PyTorch: weight kaiming_uniform(a = sqrt(5)), i.e. U(-1/sqrt(in), 1/sqrt(in)),
/// and bias U(-1/sqrt(in), 1/sqrt(in)).
class Linear : public Module {
 public:
  /// Initialised from nn::default_generator().
  Linear(int64_t in_features, int64_t out_features, bool bias = true);
  /// Initialised from `gen` (used only here, not kept).
  Linear(int64_t in_features, int64_t out_features, bool bias, Generator& gen);

  /// x [*, in_features] -> [*, out_features]; throws ShapeError on another last dim.
  Variable forward(const Variable& input) override;
  std::string name() const override { return "Linear"; }
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
