#pragma once
// Activation modules: parameter-free wrappers over the autograd activations.
#include <cstdint>
#include <string_view>
#include <tuple>

#include "minidl/core/options.hpp"

#include "minidl/nn/module.hpp"

namespace minidl::nn {

/// max(x, 0).
class ReLU : public Module {
 public:
  static constexpr std::string_view doc = "max(x, 0)";
  Variable forward(const Variable& input) override;
  Activation fusable_activation() const override;
};

struct LeakyReLUOptions {
  double negative_slope = 0.01;
  static constexpr auto fields() {
    return std::tuple{option("negative_slope", &LeakyReLUOptions::negative_slope, check::any, "slope for x < 0")};
  }
};

/// x where x > 0, else negative_slope * x.
class LeakyReLU : public Module {
 public:
  using Options = LeakyReLUOptions;
  static constexpr std::string_view doc = "x where x > 0, else negative_slope * x";
  explicit LeakyReLU(const LeakyReLUOptions& options = {})
      : negative_slope_(static_cast<float>(options.negative_slope)) {}
  explicit LeakyReLU(float negative_slope) : negative_slope_(negative_slope) {}
  Variable forward(const Variable& input) override;
  std::string extra_repr() const override;
  float negative_slope() const { return negative_slope_; }

 private:
  float negative_slope_;
};

/// 1 / (1 + exp(-x)).
class Sigmoid : public Module {
 public:
  static constexpr std::string_view doc = "1 / (1 + exp(-x))";
  Variable forward(const Variable& input) override;
  Activation fusable_activation() const override;
  Scores outputs() const override { return Scores::Probabilities; }
};

/// tanh(x).
class Tanh : public Module {
 public:
  static constexpr std::string_view doc = "tanh(x)";
  Variable forward(const Variable& input) override;
};

/// Softmax's and LogSoftmax's options.
struct SoftmaxOptions {
  int64_t dim = -1;
  static constexpr auto fields() {
    return std::tuple{option("dim", &SoftmaxOptions::dim, check::any_int, "dimension (negative counts from the end)")};
  }
};

/// exp(x) / sum(exp(x)) along `dim` (a config's default is the last dim; C++ names it).
class Softmax : public Module {
 public:
  using Options = SoftmaxOptions;
  static constexpr std::string_view doc = "exp(x) / sum(exp(x)) along dim";
  explicit Softmax(int64_t dim) : dim_(dim) {}
  explicit Softmax(const SoftmaxOptions& options) : dim_(options.dim) {}
  Variable forward(const Variable& input) override;
  Scores outputs() const override { return Scores::Probabilities; }
  std::string extra_repr() const override { return "dim=" + std::to_string(dim_); }
  int64_t dim() const { return dim_; }

 private:
  int64_t dim_;
};

/// log(softmax(x)) along `dim`, computed stably in one pass.
class LogSoftmax : public Module {
 public:
  using Options = SoftmaxOptions;
  static constexpr std::string_view doc = "log(softmax(x)) along dim, computed stably";
  explicit LogSoftmax(int64_t dim) : dim_(dim) {}
  explicit LogSoftmax(const SoftmaxOptions& options) : dim_(options.dim) {}
  Variable forward(const Variable& input) override;
  Scores outputs() const override { return Scores::LogProbabilities; }
  std::string extra_repr() const override { return "dim=" + std::to_string(dim_); }
  int64_t dim() const { return dim_; }

 private:
  int64_t dim_;
};

}  // namespace minidl::nn
