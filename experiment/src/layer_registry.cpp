#include "minidl/experiment/layer_registry.hpp"

#include "minidl/experiment/memory_budget.hpp"
#include "minidl/nn/activation.hpp"
#include "minidl/nn/dropout.hpp"
#include "minidl/nn/flatten.hpp"
#include "minidl/nn/identity.hpp"
#include "minidl/nn/linear.hpp"

namespace minidl::experiment {

namespace {

template <class M>
LayerFactory plain() {
  return [](const Options&, const LayerContext&) { return std::make_shared<M>(); };
}

std::shared_ptr<nn::Module> make_linear(const Options& o, const LayerContext& ctx) {
  if (ctx.input.empty())
    o.fail("in", "linear needs inputs with a feature dimension, but " + ctx.input_source +
                     " has shape " + to_string(ctx.input));
  const int64_t features = ctx.input.back();
  if (o.has("in") && o.integer("in") != features)
    o.fail("in", "linear expects in: " + std::to_string(o.integer("in")) + " features, but " +
                     ctx.input_source + " has " + std::to_string(features) +
                     " (omit 'in' to take it from the input)");
  const int64_t out = o.integer("out");
  const bool bias = o.flag("bias");
  require_memory(o, "out", add_bytes(tensor_bytes({out, features}, sizeof(float)), tensor_bytes({bias ? out : 0}, sizeof(float))),
                 "the weight [" + std::to_string(out) + ", " + std::to_string(features) + "]" +
                     (bias ? " and bias [" + std::to_string(out) + "]" : "") + " (float32)");
  return std::make_shared<nn::Linear>(features, out, bias, ctx.gen);
}

void add_builtins(LayerRegistry& r) {
  const Range positive = Range::at_least(1);
  r.add("linear",
        {"y = x W^T + b (torch.nn.Linear); weight [out, in], bias [out], PyTorch's default init",
         {{"in", OptionKind::Int, {}, "input features; taken from the input when omitted", positive, {}, true},
          {"out", OptionKind::Int, {}, "output features", positive},
          {"bias", OptionKind::Bool, true, "learn an additive bias"}}},
        make_linear);
  r.add("relu", {"max(x, 0)", {}}, plain<nn::ReLU>());
  r.add("sigmoid", {"1 / (1 + exp(-x))", {}}, plain<nn::Sigmoid>());
  r.add("tanh", {"tanh(x)", {}}, plain<nn::Tanh>());
  r.add("identity", {"returns its input", {}}, plain<nn::Identity>());
  r.add("leaky_relu",
        {"x where x > 0, else negative_slope * x",
         {{"negative_slope", OptionKind::Number, 0.01, "slope for x < 0"}}},
        [](const Options& o, const LayerContext&) {
          return std::make_shared<nn::LeakyReLU>(static_cast<float>(o.number("negative_slope")));
        });
  r.add("softmax", {"exp(x) / sum(exp(x)) along dim", {{"dim", OptionKind::Int, int64_t{-1}, "dimension"}}},
        [](const Options& o, const LayerContext&) { return std::make_shared<nn::Softmax>(o.integer("dim")); });
  r.add("log_softmax",
        {"log(softmax(x)) along dim, computed stably", {{"dim", OptionKind::Int, int64_t{-1}, "dimension"}}},
        [](const Options& o, const LayerContext&) {
          return std::make_shared<nn::LogSoftmax>(o.integer("dim"));
        });
  r.add("flatten",
        {"merges dims start_dim..end_dim into one",
         {{"start_dim", OptionKind::Int, int64_t{1}, "first dim to merge (0 is the batch)"},
          {"end_dim", OptionKind::Int, int64_t{-1}, "last dim to merge"}}},
        [](const Options& o, const LayerContext&) {
          return std::make_shared<nn::Flatten>(o.integer("start_dim"), o.integer("end_dim"));
        });
  r.add("dropout",
        {"zeroes each element with probability p in training, scales the rest by 1/(1-p)",
         {{"p", OptionKind::Number, 0.5, "probability of zeroing an element", Range::half_open(0, 1)}}},
        [](const Options& o, const LayerContext& ctx) {
          // Its own generator, seeded from the run's: masks never depend on other layers' draws.
          return std::make_shared<nn::Dropout>(static_cast<float>(o.number("p")),
                                               Generator(ctx.gen.next_u64()));
        });
}

}  // namespace

LayerRegistry& layers() {
  static LayerRegistry registry = [] {
    LayerRegistry r("layer");
    add_builtins(r);
    return r;
  }();
  return registry;
}

}  // namespace minidl::experiment
