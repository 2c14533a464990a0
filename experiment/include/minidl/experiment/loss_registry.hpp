#pragma once
// The losses a config's `loss` can name. A loss is an nn::Loss class with its options struct,
// its `targets` (class indices or values) and a line of `doc`; one line registers it:
//
//   experiment::register_loss<MyLoss>("my_loss");
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "minidl/autograd/variable.hpp"
#include "minidl/core/registry.hpp"
#include "minidl/data/dataset.hpp"
#include "minidl/experiment/config_error.hpp"
#include "minidl/nn/loss.hpp"

namespace minidl::experiment {

/// A loss: the model's output batch and the target batch -> the loss Variable.
using LossFn = std::function<Variable(const Variable& output, const Tensor& target)>;

/// How to make a loss from options by name, what targets it needs and what outputs it takes
/// (a loss class without a `takes` takes any).
struct LossFactory {
  nn::Targets targets = nn::Targets::Values;
  nn::Scores takes = nn::Scores::Unknown;
  std::function<LossFn(const OptionMap& options)> make;
};
using LossEntry = Component<LossFactory>;

/// The registry entry for loss class L under `name`.
template <class L>
LossEntry loss_entry(std::string name) {
  using O = typename L::Options;
  auto make = [name](const OptionMap& given) -> LossFn {
    auto loss = std::make_shared<const L>(options_from_map<O>(given, name));
    return [loss](const Variable& output, const Tensor& target) { return (*loss)(output, target); };
  };
  nn::Scores takes = nn::Scores::Unknown;
  if constexpr (requires { L::takes; }) takes = L::takes;
  return {name, std::string(L::doc), option_infos<O>(), resolver<O>(name), LossFactory{L::targets, takes, make}};
}

/// The losses configs can name. Built in: mse, l1, huber, bce_with_logits, cross_entropy, nll.
Registry<LossEntry>& losses();

/// Makes loss class L available to configs as `name`; ValueError if the name is taken.
template <class L>
void register_loss(std::string name) {
  losses().add(loss_entry<L>(std::move(name)));
}

/// What a loss will be applied to.
struct LossContext {
  data::Task task;
  /// One sample's model output shape ([10] for ten logits) and target shape ([] or [1]).
  Shape output;
  Shape target;
  /// Classes of a classification dataset (0 for regression).
  int64_t num_classes = 0;
  /// The smallest and largest target of a regression dataset, as the loss will see them; called
  /// only for a loss that needs probabilities (it reads every target).
  std::function<std::pair<double, double>()> target_range;
  /// What sets the output's width (the last `out` option), blamed for an output that does not
  /// fit; when empty, `loss_where` is.
  Location output_where;
  Location loss_where;
};

/// Throws ConfigError when loss `name`, which needs `targets`, does not fit the data and the
/// model's output: cross-entropy on regression targets, targets outside [0, 1] for a loss that
/// needs probabilities, an output width that is not the number of classes or the target's shape.
void check_loss_fits(const std::string& name, nn::Targets targets, const LossContext& context);

/// The warning for a model whose outputs are probabilities (it ends in softmax or sigmoid, named
/// `last_layer` at `where`) when loss `name` takes logits or log-probabilities: it trains, but on
/// the wrong quantity. None when they fit.
std::optional<ConfigWarning> loss_input_warning(const std::string& name, nn::Scores takes, nn::Scores model_outputs,
                                                const std::string& last_layer, const Location& where);

}  // namespace minidl::experiment
