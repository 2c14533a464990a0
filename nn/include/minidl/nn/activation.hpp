#pragma once
// Activation modules: parameter-free wrappers over the autograd activations.
#include <cstdint>

#include "minidl/nn/module.hpp"

namespace minidl::nn {

/// max(x, 0).
class ReLU : public Module {
 public:
  Variable forward(const Variable& input) override;
  std::string name() const override { return "ReLU"; }
};

/// x where x > 0, else negative_slope * x.
class LeakyReLU : public Module {
 public:
  explicit LeakyReLU(float negative_slope = 0.01f) : negative_slope_(negative_slope) {}
  Variable forward(const Variable& input) override;
  std::string name() const override { return "LeakyReLU"; }
  std::string extra_repr() const override;
  float negative_slope() const { return negative_slope_; }

 private:
  float negative_slope_;
};

/// 1 / (1 + exp(-x)).
class Sigmoid : public Module {
 public:
  Variable forward(const Variable& input) override;
  std::string name() const override { return "Sigmoid"; }
};

/// tanh(x).
class Tanh : public Module {
 public:
  Variable forward(const Variable& input) override;
  std::string name() const override { return "Tanh"; }
};

/// exp(x) / sum(exp(x)) along `dim` (no implicit default, unlike PyTorch's deprecated one).
class Softmax : public Module {
 public:
  explicit Softmax(int64_t dim) : dim_(dim) {}
  Variable forward(const Variable& input) override;
  std::string name() const override { return "Softmax"; }
  std::string extra_repr() const override { return "dim=" + std::to_string(dim_); }
  int64_t dim() const { return dim_; }

 private:
  int64_t dim_;
};

/// log(softmax(x)) along `dim`, computed stably in one pass.
class LogSoftmax : public Module {
 public:
  explicit LogSoftmax(int64_t dim) : dim_(dim) {}
  Variable forward(const Variable& input) override;
  std::string name() const override { return "LogSoftmax"; }
  std::string extra_repr() const override { return "dim=" + std::to_string(dim_); }
  int64_t dim() const { return dim_; }

 private:
  int64_t dim_;
};

}  // namespace minidl::nn
