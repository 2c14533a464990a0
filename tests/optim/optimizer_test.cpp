// The Optimizer base every optimizer shares: groups, lazily created state, skipping
// parameters without gradients, learning rates per group, state_dict by parameter name.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "minidl/core/elementwise.hpp"
#include "minidl/core/parallel.hpp"
#include "minidl/optim.hpp"

namespace minidl::optim {
namespace {

NamedParameters named_params() {
  return {{"w", Variable(Tensor::from({{1, 2}, {3, 4}}), true)},
          {"b", Variable(Tensor::from({0.5f, -0.5f}), true)}};
}

TEST(Optimizer, StateIsCreatedAtAParametersFirstUpdate) {
  NamedParameters params = named_params();
  auto adam = make("adam", params);
  EXPECT_EQ(adam->state("w"), nullptr);
  params[0].second.set_grad(Tensor::ones({2, 2}));
  adam->step();
  ASSERT_NE(adam->state("w"), nullptr);
  EXPECT_EQ(adam->state("w")->step(), 1);
  EXPECT_TRUE(adam->state("w")->has("exp_avg"));
  EXPECT_TRUE(adam->state("w")->has("exp_avg_sq"));
  EXPECT_FALSE(adam->state("w")->has("max_exp_avg_sq")) << "only with amsgrad";
}

TEST(Optimizer, AParameterWithoutGradientIsSkippedAndKeepsItsState) {
  NamedParameters params = named_params();
  auto& [w_name, w] = params[0];
  auto& [b_name, b] = params[1];
  auto sgd = make("sgd", params, {{"lr", 0.1}, {"momentum", 0.9}, {"weight_decay", 0.1}});
  w.set_grad(Tensor::ones({2, 2}));
  b.set_grad(Tensor::ones({2}));
  sgd->step();
  const Tensor b_after_one = b.data().clone();
  const Tensor b_buffer = sgd->state("b")->buffers()[0].second.clone();

  b.set_grad(Tensor());  // no gradient: no update, no weight decay, no momentum
  sgd->step();
  EXPECT_TRUE(equal(b.data(), b_after_one));
  EXPECT_TRUE(equal(sgd->state("b")->buffers()[0].second, b_buffer));
  EXPECT_EQ(sgd->state("b")->step(), 1);
  EXPECT_EQ(sgd->state("w")->step(), 2);
}

TEST(Optimizer, GroupsFallBackToTheDefaultsForOptionsTheyDoNotSet) {
  NamedParameters params = named_params();
  SGD sgd({ParamGroup({params[0]}), ParamGroup({params[1]}, {{"lr", 0.5}})},
          {.lr = 0.1, .momentum = 0.9});
  EXPECT_EQ(sgd.lr(0), 0.1);
  EXPECT_EQ(sgd.lr(1), 0.5);
  EXPECT_EQ(sgd.options(1).momentum, 0.9);
  EXPECT_EQ(sgd.to_string(),
            "SGD(lr=0.1, momentum=0.9, dampening=0, weight_decay=0, nesterov=false, "
            "maximize=false; group 1: lr=0.5)");
}

TEST(Optimizer, GroupsWorkThroughTheRegistryToo) {
  NamedParameters params = named_params();
  auto adam = make("adam", std::vector<ParamGroup>{{{params[0]}}, {{params[1]}, {{"eps", 0.1}}}},
                   {{"lr", 0.01}});
  EXPECT_EQ(adam->lr(1), 0.01);
  EXPECT_EQ(adam->option(1, "eps"), OptionValue(0.1));
  EXPECT_EQ(adam->option(0, "eps"), OptionValue(1e-8));
}

TEST(Optimizer, SetLrChangesOneGroupOrAll) {
  NamedParameters params = named_params();
  auto sgd = make("sgd", std::vector<ParamGroup>{{{params[0]}}, {{params[1]}}}, {{"lr", 0.1}});
  sgd->set_lr(1, 0.2);
  EXPECT_EQ(sgd->lr(0), 0.1);
  EXPECT_EQ(sgd->lr(1), 0.2);
  sgd->set_lr(0.3);
  EXPECT_EQ(sgd->lr(0), 0.3);
  EXPECT_EQ(sgd->lr(1), 0.3);
  EXPECT_THROW(sgd->set_lr(-1.0), ValueError);
}

TEST(Optimizer, ZeroGradZeroesOrDropsGradients) {
  NamedParameters params = named_params();
  auto sgd = make("sgd", params);
  params[0].second.set_grad(Tensor::ones({2, 2}));
  sgd->zero_grad();
  EXPECT_TRUE(equal(params[0].second.grad(), Tensor::zeros({2, 2})));
  sgd->zero_grad(/*set_to_none=*/true);
  EXPECT_FALSE(params[0].second.grad().defined());
}

TEST(Optimizer, UnnamedParametersAreNamedByPosition) {
  auto adam =
      make("adam", {Variable(Tensor::zeros({2}), true), Variable(Tensor::zeros({3}), true)});
  EXPECT_EQ(adam->params()[0].first, "0");
  EXPECT_EQ(adam->params()[1].first, "1");
}

TEST(Optimizer, RejectsRepeatedOrMisshapenParameters) {
  Variable w(Tensor::zeros({2}), true);
  EXPECT_THROW(make("sgd", {w, w}), ValueError);
  EXPECT_THROW(make("sgd", NamedParameters{{"w", w}, {"w", Variable(Tensor::zeros({1}), true)}}),
               ValueError);
  auto sgd = make("sgd", {w});
  w.set_grad(Tensor::ones({3}));
  EXPECT_THROW(sgd->step(), ShapeError);
}

TEST(Optimizer, MaximizeClimbs) {
  Variable w(Tensor::from({1.0f}), true);
  auto sgd = make("sgd", {w}, {{"lr", 0.5}, {"maximize", true}});
  w.set_grad(Tensor::from({2.0f}));
  sgd->step();
  EXPECT_EQ(w.item(), 2.0f);
}

TEST(Optimizer, LargeParametersTakeTheParallelPathWithTheSameResult) {
  const int64_t n = 3 * kGrainSize + 7;
  Variable big(Tensor::full({n}, 0.25f), true);
  Variable one(Tensor::full({1}, 0.25f), true);
  auto adam = make("adam", {big, one}, {{"lr", 0.1}, {"amsgrad", true}, {"weight_decay", 0.1}});
  for (int s = 0; s < 3; ++s) {
    big.set_grad(Tensor::full({n}, 0.5f - s));
    one.set_grad(Tensor::full({1}, 0.5f - s));
    adam->step();
  }
  EXPECT_TRUE(equal(big.data(), Tensor::full({n}, one.item())));
}

TEST(OptimizerState, KeysAreParameterNames) {
  NamedParameters params = named_params();
  auto adam = make("adam", params, {{"lr", 0.01}});
  params[0].second.set_grad(Tensor::ones({2, 2}));
  adam->step();
  const StateDict state = adam->state_dict();
  EXPECT_EQ(state.names(),
            (std::vector<std::string>{"state.w.step", "state.w.exp_avg", "state.w.exp_avg_sq"}))
      << "b has no state: it never had a gradient";
  EXPECT_EQ(state.metadata.at("optimizer"), "Adam");
  EXPECT_EQ(state.metadata.at("param_groups.0.params"), "w,b");
  EXPECT_EQ(state.metadata.at("param_groups.0.lr"), "0.01");
  EXPECT_EQ(state.metadata.at("param_groups.0.betas"), "[0.9, 0.999]");
}

// Deterministic gradients for step s of parameter i.
Tensor gradient(int s, size_t i, const Shape& shape) {
  Generator gen(static_cast<uint64_t>(100 * s + i));
  return Tensor::normal(shape, 0.0f, 1.0f, gen);
}

NamedParameters copy_of(const NamedParameters& params) {
  NamedParameters copy;
  for (const auto& [name, var] : params)
    copy.emplace_back(name, Variable(var.data().clone(), true));
  return copy;
}

void run_steps(Optimizer& optimizer, NamedParameters& params, int from, int to) {
  for (int s = from; s < to; ++s) {
    for (size_t i = 0; i < params.size(); ++i)  // b misses every third step
      params[i].second.set_grad(i == 1 && s % 3 == 1 ? Tensor()
                                                     : gradient(s, i, params[i].second.shape()));
    optimizer.step();
  }
}

struct ResumeCase {
  std::string name;
  OptionMap options;
};

class OptimizerResume : public testing::TestWithParam<ResumeCase> {};

TEST_P(OptimizerResume, SixStepsEqualThreePlusSaveLoadPlusThreeBitForBit) {
  const auto& [name, options] = GetParam();
  NamedParameters straight = named_params();
  NamedParameters resumed = copy_of(straight);

  auto reference = make(name, straight, options);
  run_steps(*reference, straight, 0, 6);

  auto first = make(name, resumed, options);
  run_steps(*first, resumed, 0, 3);
  const StateDict saved = first->state_dict().clone();  // as if written to a file
  first.reset();
  NamedParameters reloaded = copy_of(resumed);
  auto second = make(name, reloaded, {{"lr", 0.5}});  // options come from the state
  second->load_state_dict(saved);
  EXPECT_EQ(second->group_options(0), reference->group_options(0));
  run_steps(*second, reloaded, 3, 6);

  for (size_t i = 0; i < straight.size(); ++i)
    EXPECT_TRUE(equal(straight[i].second.data(), reloaded[i].second.data())) << straight[i].first;
}

INSTANTIATE_TEST_SUITE_P(
    EveryBuiltIn, OptimizerResume,
    testing::Values(ResumeCase{"momentum", {{"lr", 0.1}, {"nesterov", true}}},
                    ResumeCase{"sgd", {{"lr", 0.1}, {"momentum", 0.8}, {"dampening", 0.2}}},
                    ResumeCase{"adagrad", {{"lr_decay", 0.1}, {"initial_accumulator_value", 0.1}}},
                    ResumeCase{"adam", {{"amsgrad", true}, {"weight_decay", 0.1}}},
                    ResumeCase{"adamw", {{"lr", 0.01}}},
                    ResumeCase{"rmsprop", {{"centered", true}, {"momentum", 0.9}}}),
    [](const auto& info) { return info.param.name; });

TEST(OptimizerState, LoadRejectsAnotherOptimizerOrOtherParameters) {
  NamedParameters params = named_params();
  auto adam = make("adam", params);
  EXPECT_THROW(make("sgd", params)->load_state_dict(adam->state_dict()), ValueError);
  NamedParameters renamed = {{"weight", params[0].second}, {"bias", params[1].second}};
  EXPECT_THROW(make("adam", renamed)->load_state_dict(adam->state_dict()), ValueError);
}

// A step count from a file is a whole number >= 0, and counting on from the largest int64
// is an error rather than an overflow.
TEST(OptimizerState, LoadRejectsStepCountsThatAreNotWholeNumbers) {
  NamedParameters params = named_params();
  auto adam = make("adam", params);
  params[0].second.set_grad(Tensor::ones({2, 2}));
  adam->step();
  auto with_step = [&](const Tensor& step) {
    const StateDict saved = adam->state_dict();
    StateDict state;
    state.metadata = saved.metadata;
    for (const auto& [key, tensor] : saved) state.insert(key, key == "state.w.step" ? step : tensor);
    return state;
  };
  for (const float bad : {std::nanf(""), 2.5f, -1.0f, 1e30f}) {
    auto loaded = make("adam", named_params());
    EXPECT_THROW(loaded->load_state_dict(with_step(Tensor::scalar(bad))), ValueError) << bad;
  }
  const int64_t negative = -3;
  EXPECT_THROW(make("adam", named_params())->load_state_dict(with_step(Tensor::from_int64(std::span(&negative, 1), Shape{}))),
               ValueError);

  NamedParameters again = named_params();
  auto full = make("adam", again);
  const int64_t most = std::numeric_limits<int64_t>::max();
  full->load_state_dict(with_step(Tensor::from_int64(std::span(&most, 1), Shape{})));
  again[0].second.set_grad(Tensor::ones({2, 2}));
  EXPECT_THROW(full->step(), ValueError);
}

TEST(Registry, UnknownNamesListTheKnownOnesAndSuggestTheClosest) {
  try {
    make("adamm", {Variable(Tensor::zeros({1}), true)});
    FAIL() << "no error";
  } catch (const ValueError& e) {
    EXPECT_STREQ(e.what(),
                 "unknown optimizer 'adamm'; did you mean 'adam'? (known: adagrad, adam, adamw, "
                 "momentum, rmsprop, sgd)");
  }
}

TEST(Registry, MomentumIsSgdWithMomentumNineTenths) {
  auto opt = make("momentum", {Variable(Tensor::zeros({1}), true)});
  EXPECT_EQ(opt->name(), "SGD");
  EXPECT_EQ(opt->option(0, "momentum"), OptionValue(0.9));
}

// A user optimizer needs no more than this to be available by name.
struct HalvingOptions {
  double lr = 0.5;
  static constexpr auto fields() {
    return std::tuple{option("lr", &HalvingOptions::lr, check::non_negative, "step size")};
  }
};
class Halving : public OptimizerImpl<Halving, HalvingOptions> {
 public:
  static constexpr std::string_view type_name = "Halving";
  using OptimizerImpl::OptimizerImpl;
  void update(const HalvingOptions& o, ParamState&, Tensor& param, const Tensor& grad) {
    param.sub_(grad * static_cast<float>(o.lr));
  }
};

TEST(Registry, OneLineRegistersAUserOptimizer) {
  register_optimizer<Halving>("halving");
  EXPECT_THROW(register_optimizer<Halving>("halving"), ValueError) << "names are unique";
  Variable w(Tensor::from({1.0f}), true);
  auto opt = make("halving", {w}, {{"lr", 0.25}});
  w.set_grad(Tensor::from({2.0f}));
  opt->step();
  EXPECT_EQ(w.item(), 0.5f);
  const auto names = optimizer_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "halving"), names.end());
}

}  // namespace
}  // namespace minidl::optim
