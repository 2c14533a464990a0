#pragma once
// Loss modules over the autograd losses. Each checks its inputs up front (shapes, dtypes,
// class ranges) so a mistake is reported with the values involved, not as a broadcast
// that silently computes something else.
#include <string>

#include "minidl/autograd/loss.hpp"
#include "minidl/autograd/variable.hpp"

namespace minidl::nn {

/// Base of the loss modules: loss_fn(input, target) -> a scalar (or per-element with
/// Reduction::None). Not a Module: a loss has two inputs and no parameters.
class Loss {
 public:
  explicit Loss(Reduction reduction = Reduction::Mean) : reduction_(reduction) {}
  virtual ~Loss() = default;

  /// The loss of `input` against `target` after checking both.
  virtual Variable forward(const Variable& input, const Variable& target) const = 0;
  Variable operator()(const Variable& input, const Variable& target) const {
    return forward(input, target);
  }
  /// "MSELoss", "CrossEntropyLoss", ...
  virtual std::string name() const = 0;
  /// "HuberLoss(reduction=mean, delta=1.0)".
  virtual std::string describe() const;
  Reduction reduction() const { return reduction_; }

 private:
  Reduction reduction_;
};

/// Mean (or sum) of (input - target)^2; input and target of the same shape.
class MSELoss : public Loss {
 public:
  using Loss::Loss;
  Variable forward(const Variable& input, const Variable& target) const override;
  std::string name() const override { return "MSELoss"; }
};

/// Mean (or sum) of |input - target|; input and target of the same shape.
class L1Loss : public Loss {
 public:
  using Loss::Loss;
  Variable forward(const Variable& input, const Variable& target) const override;
  std::string name() const override { return "L1Loss"; }
};

/// Quadratic within `delta` of the target, linear beyond; same shapes.
class HuberLoss : public Loss {
 public:
  explicit HuberLoss(Reduction reduction = Reduction::Mean, float delta = 1.0f);
  Variable forward(const Variable& input, const Variable& target) const override;
  std::string name() const override { return "HuberLoss"; }
  std::string describe() const override;
  float delta() const { return delta_; }

 private:
  float delta_;
};

/// Logits [N, C] against int64 class indices [N] in [0, C): log_softmax + NLL.
class CrossEntropyLoss : public Loss {
 public:
  using Loss::Loss;
  Variable forward(const Variable& input, const Variable& target) const override;
  std::string name() const override { return "CrossEntropyLoss"; }
};

/// Log-probabilities [N, C] against int64 class indices [N] in [0, C).
class NLLLoss : public Loss {
 public:
  using Loss::Loss;
  Variable forward(const Variable& input, const Variable& target) const override;
  std::string name() const override { return "NLLLoss"; }
};

/// Logits against float targets in [0, 1] of the same shape: sigmoid + binary cross entropy,
/// computed stably.
class BCEWithLogitsLoss : public Loss {
 public:
  using Loss::Loss;
  Variable forward(const Variable& input, const Variable& target) const override;
  std::string name() const override { return "BCEWithLogitsLoss"; }
};

}  // namespace minidl::nn
