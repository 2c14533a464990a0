#pragma once
// The losses a config's `loss` can name, and how to add one.
#include <functional>

#include "minidl/autograd/variable.hpp"
#include "minidl/data/dataset.hpp"
#include "minidl/experiment/registry.hpp"

namespace minidl::experiment {

/// A loss: the model's output batch and the target batch -> the loss Variable.
using LossFn = std::function<Variable(const Variable& output, const Tensor& target)>;

/// What the loss will be applied to, so a factory can refuse what does not fit.
struct LossContext {
  data::Task task;
  /// One sample's model output shape ([10] for ten logits) and target shape ([] or [1]).
  Shape output;
  Shape target;
  /// Classes of a classification dataset (0 for regression).
  int64_t num_classes = 0;
  /// What sets the output's width (the last `out` option) for errors about it; when empty,
  /// they point at the loss.
  Location output_where;
};

/// Builds a loss; throws ConfigError (options.fail) when it does not fit the context, e.g.
/// cross-entropy on a regression target.
using LossFactory = std::function<LossFn(const Options& options, const LossContext& context)>;
using LossRegistry = Registry<LossFactory>;

/// The losses configs can name. Built in: mse, l1, huber, cross_entropy, nll, bce_with_logits.
LossRegistry& losses();

}  // namespace minidl::experiment
