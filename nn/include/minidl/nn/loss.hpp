#pragma once
// Loss modules over the autograd losses. Each checks its inputs up front (shapes, dtypes,
// class ranges) so a mistake is reported with the values involved, not as a broadcast
// that silently computes something else.
#include <string>
#include <string_view>
#include <tuple>

#include "minidl/core/options.hpp"

#include "minidl/autograd/loss.hpp"
#include "minidl/autograd/variable.hpp"
#include "minidl/nn/scores.hpp"

namespace minidl::nn {

/// What a loss compares the model's output with: one class index per sample, values of the
/// output's shape, or such values that are probabilities in [0, 1]. A config checks its data
/// against it before training (the loss itself, like PyTorch's, does not check the range).
enum class Targets { ClassIndices, Values, Probabilities };

/// The reductions a config may choose (Reduction::None gives no scalar to train on).
inline constexpr std::string_view kReductions[] = {"mean", "sum"};

/// The options every loss has.
struct LossOptions {
  std::string reduction = "mean";
  static constexpr auto fields() {
    return std::tuple{option("reduction", &LossOptions::reduction, check::one_of(kReductions),
                             "mean or sum of the per-sample losses")};
  }
};

/// Base of the loss modules: loss_fn(input, target) -> a scalar (or per-element with
/// Reduction::None). Not a Module: a loss has two inputs and no parameters.
class Loss {
 public:
  using Options = LossOptions;
  explicit Loss(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}
  explicit Loss(const LossOptions& options) : reduction_(parse_reduction(options.reduction)) {}
  virtual ~Loss() = default;

  /// The loss of `input` against `target` after checking both.
  virtual Variable forward(const Variable& input, const Variable& target) const = 0;
  Variable operator()(const Variable& input, const Variable& target) const {
    return forward(input, target);
  }
  /// "MSELoss", "CrossEntropyLoss", ...: by default the class's own name.
  virtual std::string name() const;
  /// "HuberLoss(reduction=mean, delta=1.0)".
  virtual std::string describe() const;
  Reduction reduction() const { return reduction_; }

 private:
  Reduction reduction_;
};

/// Mean (or sum) of (input - target)^2; input and target of the same shape.
class MSELoss : public Loss {
 public:
  static constexpr Targets targets = Targets::Values;
  static constexpr std::string_view doc = "mean squared error (torch.nn.MSELoss)";
  using Loss::Loss;
  Variable forward(const Variable& input, const Variable& target) const override;
};

/// Mean (or sum) of |input - target|; input and target of the same shape.
class L1Loss : public Loss {
 public:
  static constexpr Targets targets = Targets::Values;
  static constexpr std::string_view doc = "mean absolute error (torch.nn.L1Loss)";
  using Loss::Loss;
  Variable forward(const Variable& input, const Variable& target) const override;
};

/// Quadratic within `delta` of the target, linear beyond; same shapes.
struct HuberLossOptions {
  std::string reduction = "mean";
  double delta = 1.0;
  static constexpr auto fields() {
    return std::tuple{option("reduction", &HuberLossOptions::reduction, check::one_of(kReductions),
                             "mean or sum of the per-sample losses"),
                      option("delta", &HuberLossOptions::delta, check::positive, "where quadratic turns linear")};
  }
};

class HuberLoss : public Loss {
 public:
  using Options = HuberLossOptions;
  static constexpr Targets targets = Targets::Values;
  static constexpr std::string_view doc = "quadratic within delta, linear beyond (torch.nn.HuberLoss)";
  explicit HuberLoss(Reduction reduction = Reduction::Mean, float delta = 1.0f);
  explicit HuberLoss(const HuberLossOptions& options)
      : HuberLoss(parse_reduction(options.reduction), static_cast<float>(options.delta)) {}
  Variable forward(const Variable& input, const Variable& target) const override;
  std::string describe() const override;
  float delta() const { return delta_; }

 private:
  float delta_;
};

/// Logits [N, C] against int64 class indices [N] in [0, C): log_softmax + NLL.
class CrossEntropyLoss : public Loss {
 public:
  static constexpr Targets targets = Targets::ClassIndices;
  static constexpr Scores takes = Scores::Logits;
  static constexpr std::string_view doc = "log_softmax + negative log-likelihood on logits (torch.nn.CrossEntropyLoss)";
  using Loss::Loss;
  Variable forward(const Variable& input, const Variable& target) const override;
};

/// Log-probabilities [N, C] against int64 class indices [N] in [0, C).
class NLLLoss : public Loss {
 public:
  static constexpr Targets targets = Targets::ClassIndices;
  static constexpr Scores takes = Scores::LogProbabilities;
  static constexpr std::string_view doc = "negative log-likelihood on log-probabilities (torch.nn.NLLLoss)";
  using Loss::Loss;
  Variable forward(const Variable& input, const Variable& target) const override;
};

/// Logits against float targets in [0, 1] of the same shape: sigmoid + binary cross entropy,
/// computed stably.
class BCEWithLogitsLoss : public Loss {
 public:
  static constexpr Targets targets = Targets::Probabilities;
  static constexpr Scores takes = Scores::Logits;
  static constexpr std::string_view doc = "sigmoid + binary cross-entropy on targets in [0, 1] (torch.nn.BCEWithLogitsLoss)";
  using Loss::Loss;
  Variable forward(const Variable& input, const Variable& target) const override;
};

}  // namespace minidl::nn
