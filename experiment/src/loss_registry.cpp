#include "minidl/experiment/loss_registry.hpp"

#include <memory>

#include "minidl/nn/loss.hpp"

namespace minidl::experiment {

namespace {

const OptionDecl kReduction{"reduction", OptionKind::String, std::string("mean"),
                            "mean or sum over the batch", Range::any(), {"mean", "sum"}};

Reduction reduction_of(const Options& o) { return parse_reduction(o.string("reduction")); }

LossFn wrap(std::shared_ptr<const nn::Loss> loss) {
  return [loss](const Variable& output, const Tensor& target) { return (*loss)(output, target); };
}

// Where an output that does not fit the targets is blamed: the option that sets its width.
const Location& output_where(const Options& o, const LossContext& ctx) {
  return ctx.output_where.origin.empty() ? o.where() : ctx.output_where;
}

// Regression losses compare the output with the target element by element.
void require_regression(const Options& o, const LossContext& ctx, const std::string& name) {
  if (ctx.task != data::Task::Regression)
    throw ConfigError(o.where(), name + " needs regression targets (float values), but the data has " +
                                     std::to_string(ctx.num_classes) +
                                     " classes: use cross_entropy for classification");
  if (!(ctx.output == ctx.target))
    throw ConfigError(output_where(o, ctx), name + " compares the model's output " + to_string(ctx.output) +
                                     " with targets " + to_string(ctx.target) +
                                     " per sample: the shapes must be equal (the last layer's 'out')");
}

// Classification losses take one score per class and an int64 class index.
void require_classification(const Options& o, const LossContext& ctx, const std::string& name) {
  if (ctx.task != data::Task::Classification)
    throw ConfigError(o.where(), name + " needs class-index targets, but the data is a regression "
                                        "(float targets): use mse for regression");
  if (ctx.output.size() != 1 || ctx.output[0] != ctx.num_classes)
    throw ConfigError(output_where(o, ctx), name + " needs one output per class, " +
                                     std::to_string(ctx.num_classes) + " classes, but the model's output is " +
                                     to_string(ctx.output) + " per sample (the last layer's 'out')");
}

template <class L>
LossFactory regression(const std::string& name) {
  return [name](const Options& o, const LossContext& ctx) {
    require_regression(o, ctx, name);
    return wrap(std::make_shared<L>(reduction_of(o)));
  };
}

template <class L>
LossFactory classification(const std::string& name) {
  return [name](const Options& o, const LossContext& ctx) {
    require_classification(o, ctx, name);
    return wrap(std::make_shared<L>(reduction_of(o)));
  };
}

void add_builtins(LossRegistry& r) {
  r.add("mse", {"mean squared error (torch.nn.MSELoss)", {kReduction}}, regression<nn::MSELoss>("mse"));
  r.add("l1", {"mean absolute error (torch.nn.L1Loss)", {kReduction}}, regression<nn::L1Loss>("l1"));
  r.add("huber",
        {"quadratic within delta, linear beyond (torch.nn.HuberLoss)",
         {kReduction, {"delta", OptionKind::Number, 1.0, "where quadratic turns linear", Range::greater_than(0)}}},
        [](const Options& o, const LossContext& ctx) {
          require_regression(o, ctx, "huber");
          return wrap(std::make_shared<nn::HuberLoss>(reduction_of(o), static_cast<float>(o.number("delta"))));
        });
  r.add("bce_with_logits", {"sigmoid + binary cross-entropy on targets in [0, 1] (torch.nn.BCEWithLogitsLoss)", {kReduction}},
        regression<nn::BCEWithLogitsLoss>("bce_with_logits"));
  r.add("cross_entropy", {"log_softmax + negative log-likelihood on logits (torch.nn.CrossEntropyLoss)", {kReduction}},
        classification<nn::CrossEntropyLoss>("cross_entropy"));
  r.add("nll", {"negative log-likelihood on log-probabilities (torch.nn.NLLLoss)", {kReduction}},
        classification<nn::NLLLoss>("nll"));
}

}  // namespace

LossRegistry& losses() {
  static LossRegistry registry = [] {
    LossRegistry r("loss");
    add_builtins(r);
    return r;
  }();
  return registry;
}

}  // namespace minidl::experiment
