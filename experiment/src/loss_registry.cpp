#include "minidl/experiment/loss_registry.hpp"

#include "minidl/core/number_text.hpp"

namespace minidl::experiment {

namespace {

void add_builtins(Registry<LossEntry>& r) {
  r.add(loss_entry<nn::MSELoss>("mse"));
  r.add(loss_entry<nn::L1Loss>("l1"));
  r.add(loss_entry<nn::HuberLoss>("huber"));
  r.add(loss_entry<nn::BCEWithLogitsLoss>("bce_with_logits"));
  r.add(loss_entry<nn::CrossEntropyLoss>("cross_entropy"));
  r.add(loss_entry<nn::NLLLoss>("nll"));
}

}  // namespace

Registry<LossEntry>& losses() {
  static Registry<LossEntry> registry("loss");
  [[maybe_unused]] static const bool builtins = (add_builtins(registry), true);
  return registry;
}

namespace {

// A loss on probabilities (binary cross-entropy) computes a number from other targets, even a
// negative "loss", and trains towards nonsense: as PyTorch's, the op does not check.
void check_probabilities(const std::string& name, const LossContext& ctx) {
  const auto [low, high] = ctx.target_range();
  if (low >= 0.0 && high <= 1.0) return;
  throw ConfigError(ctx.loss_where, name + " needs targets in [0, 1] (probabilities, such as 0/1 labels), but the "
                                           "training targets range from " + format_number(low) + " to " +
                                           format_number(high) + ": use mse (or l1, huber) for a regression");
}

}  // namespace

void check_loss_fits(const std::string& name, nn::Targets targets, const LossContext& ctx) {
  const Location& output_where = ctx.output_where.origin.empty() ? ctx.loss_where : ctx.output_where;
  if (targets != nn::Targets::ClassIndices) {
    if (ctx.task != data::Task::Regression)
      throw ConfigError(ctx.loss_where, name + " needs regression targets (float values), but the data has " +
                                            std::to_string(ctx.num_classes) +
                                            " classes: use cross_entropy for classification (a csv source reads "
                                            "its targets as classes when each is a non-negative integer such as 3; "
                                            "task: regression reads them as values)");
    if (targets == nn::Targets::Probabilities) check_probabilities(name, ctx);
    if (!(ctx.output == ctx.target))
      throw ConfigError(output_where, name + " compares the model's output " + to_string(ctx.output) +
                                          " with targets " + to_string(ctx.target) +
                                          " per sample: the shapes must be equal (the last layer's 'out')");
    return;
  }
  if (ctx.task != data::Task::Classification)
    throw ConfigError(ctx.loss_where, name + " needs class-index targets, but the data is a regression: use mse for "
                                             "regression (a csv source reads its targets as classes when each is a "
                                             "non-negative integer such as 3; task: classification makes it, and names "
                                             "any label that is not one)");
  if (ctx.output.size() != 1 || ctx.output[0] != ctx.num_classes)
    throw ConfigError(output_where, name + " needs one output per class, " + std::to_string(ctx.num_classes) +
                                        " classes, but the model's output is " + to_string(ctx.output) +
                                        " per sample (the last layer's 'out')");
}

std::optional<ConfigWarning> loss_input_warning(const std::string& name, nn::Scores takes, nn::Scores model_outputs,
                                                const std::string& last_layer, const Location& where) {
  if (model_outputs != nn::Scores::Probabilities) return std::nullopt;
  const std::string start = "the model ends in " + last_layer + ", whose outputs are probabilities, but " + name;
  if (takes == nn::Scores::Logits)
    return ConfigWarning{where, start + " takes logits and makes them probabilities itself, as PyTorch's does: " +
                                    "remove the last " + last_layer + " (on probabilities the model learns slowly)"};
  if (takes == nn::Scores::LogProbabilities)
    return ConfigWarning{where, start + " takes log-probabilities: end the model with log_softmax instead"};
  return std::nullopt;
}

}  // namespace minidl::experiment
