// Module: hierarchical parameter names, registration rules, modes, gradients, printing.
#include "minidl/nn/module.hpp"

#include <gtest/gtest.h>

#include "minidl/autograd/ops.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/nn/activation.hpp"
#include "minidl/nn/linear.hpp"
#include "minidl/nn/loss.hpp"
#include "minidl/nn/sequential.hpp"

namespace minidl::nn {
namespace {

// A module with children of its own, named as a PyTorch user would name them.
class Encoder : public Module {
 public:
  Encoder() {
    fc1 = register_module("fc1", std::make_shared<Linear>(4, 3));
    fc2 = register_module("fc2", std::make_shared<Linear>(3, 2, /*bias=*/false));
  }
  Variable forward(const Variable& x) override { return (*fc2)(relu((*fc1)(x))); }

  std::shared_ptr<Linear> fc1, fc2;
};

class AutoEncoder : public Module {
 public:
  AutoEncoder() {
    scale = register_parameter("scale", Variable(Tensor::ones({1}), true));
    encoder = register_module("encoder", std::make_shared<Encoder>());
    decoder = register_module("decoder", std::make_shared<Sequential>(Linear(2, 4), Sigmoid()));
  }
  Variable forward(const Variable& x) override { return (*decoder)((*encoder)(x)) * scale; }

  Variable scale;
  std::shared_ptr<Encoder> encoder;
  std::shared_ptr<Sequential> decoder;
};

std::vector<std::string> names_of(const std::vector<std::pair<std::string, Variable>>& named) {
  std::vector<std::string> names;
  for (const auto& [name, _] : named) names.push_back(name);
  return names;
}

TEST(Module, NamedParametersAreHierarchicalInRegistrationOrder) {
  AutoEncoder model;
  EXPECT_EQ(names_of(model.named_parameters()),
            (std::vector<std::string>{"scale", "encoder.fc1.weight", "encoder.fc1.bias", "encoder.fc2.weight",
                                      "decoder.0.weight", "decoder.0.bias"}));
  EXPECT_EQ(model.state_dict().names(), names_of(model.named_parameters()));
}

TEST(Module, ParametersAreTheNamedParametersInTheSameOrder) {
  AutoEncoder model;
  auto named = model.named_parameters();
  auto params = model.parameters();
  ASSERT_EQ(params.size(), named.size());
  for (size_t i = 0; i < params.size(); ++i) EXPECT_TRUE(params[i].same(named[i].second));
  EXPECT_TRUE(params[1].same(model.encoder->fc1->weight()));
  for (const Variable& p : params) EXPECT_TRUE(p.requires_grad());
}

TEST(Module, NumParametersCountsElements) {
  AutoEncoder model;
  EXPECT_EQ(model.num_parameters(), 1 + (12 + 3) + 6 + (8 + 4));
}

TEST(Module, NamedModulesListsEveryDescendantDepthFirst) {
  AutoEncoder model;
  std::vector<std::string> names;
  for (const auto& [name, m] : model.named_modules()) names.push_back(name + ":" + m->name());
  EXPECT_EQ(names, (std::vector<std::string>{":AutoEncoder", "encoder:Encoder", "encoder.fc1:Linear",
                                             "encoder.fc2:Linear", "decoder:Sequential", "decoder.0:Linear",
                                             "decoder.1:Sigmoid"}));
}

TEST(Module, TrainAndEvalPropagateToEveryDescendant) {
  AutoEncoder model;
  EXPECT_TRUE(model.is_training());
  model.eval();
  for (const auto& [name, m] : model.named_modules()) EXPECT_FALSE(m->is_training()) << name;
  model.train();
  for (const auto& [name, m] : model.named_modules()) EXPECT_TRUE(m->is_training()) << name;
  model.decoder->eval();
  EXPECT_TRUE(model.encoder->fc1->is_training());
  EXPECT_FALSE((*model.decoder)[1].is_training());
}

TEST(Module, ZeroGradZeroesEveryGradient) {
  AutoEncoder model;
  Generator gen(0);
  sum(model(Tensor::normal({5, 4}, 0, 1, gen))).backward();
  for (const auto& [name, p] : model.named_parameters()) ASSERT_TRUE(p.grad().defined()) << name;
  model.zero_grad();
  for (const auto& [name, p] : model.named_parameters())
    EXPECT_TRUE(equal(p.grad(), Tensor::zeros(p.shape()))) << name;
}

// Weight tying: one parameter under two names is trained once but saved under both names.
class Tied : public Module {
 public:
  Tied() {
    Variable shared(Tensor::ones({2, 2}), true);
    register_parameter("a", shared);
    register_parameter("b", shared);
  }
  Variable forward(const Variable& x) override { return x; }
};

TEST(Module, TiedParametersAppearOnceButAreSavedUnderEachName) {
  Tied tied;
  EXPECT_EQ(tied.parameters().size(), 1u);
  EXPECT_EQ(tied.num_parameters(), 4);
  EXPECT_EQ(tied.state_dict().names(), (std::vector<std::string>{"a", "b"}));
}

class Registrar : public Module {
 public:
  Variable forward(const Variable& x) override { return x; }
};

TEST(Module, RegistrationRejectsBadNamesAndValues) {
  Registrar m;
  m.register_parameter("w", Variable(Tensor::ones({1}), true));
  EXPECT_THROW(m.register_parameter("w", Variable(Tensor::ones({1}), true)), ValueError);
  EXPECT_THROW(m.register_parameter("a.b", Variable(Tensor::ones({1}), true)), ValueError);
  EXPECT_THROW(m.register_parameter("", Variable(Tensor::ones({1}), true)), ValueError);
  EXPECT_THROW(m.register_parameter("u", Variable()), ValueError);
  Variable leaf(Tensor::ones({1}), true);
  EXPECT_THROW(m.register_parameter("derived", leaf * 2.0f), ValueError);
  EXPECT_THROW(m.register_module("w", std::make_shared<ReLU>()), ValueError);
  m.register_module("act", std::make_shared<ReLU>());
  EXPECT_THROW(m.register_module("act", std::make_shared<ReLU>()), ValueError);
  EXPECT_THROW(m.register_parameter("act", Variable(Tensor::ones({1}), true)), ValueError);
}

TEST(Module, FrozenParametersKeepRequiresGradFalse) {
  Registrar m;
  m.register_parameter("frozen", Variable(Tensor::ones({3})));
  EXPECT_FALSE(m.parameters()[0].requires_grad());
}

TEST(Module, DescribePrintsLikePyTorch) {
  AutoEncoder model;
  EXPECT_EQ(model.describe(),
            "AutoEncoder(\n"
            "  (encoder): Encoder(\n"
            "    (fc1): Linear(in_features=4, out_features=3, bias=True)\n"
            "    (fc2): Linear(in_features=3, out_features=2, bias=False)\n"
            "  )\n"
            "  (decoder): Sequential(\n"
            "    (0): Linear(in_features=2, out_features=4, bias=True)\n"
            "    (1): Sigmoid()\n"
            "  )\n"
            ")");
}

// A module prints as its class's own name unless it says otherwise, as type(self).__name__ in
// PyTorch: writing a custom module needs no name().
template <class T>
class Wrapper : public Module {
 public:
  Variable forward(const Variable& x) override { return x; }
};

class Renamed : public Module {
 public:
  Variable forward(const Variable& x) override { return x; }
  std::string name() const override { return "Block"; }
};

class ScaledMSE : public MSELoss {};

TEST(Module, ACustomModuleIsNamedByItsClassWithoutNamespacesOrTemplateArguments) {
  EXPECT_EQ(Registrar().name(), "Registrar");
  EXPECT_EQ(Wrapper<std::vector<Linear>>().describe(), "Wrapper()");
  EXPECT_EQ(Renamed().describe(), "Block()");
  EXPECT_EQ(Linear(2, 3).name(), "Linear");
  EXPECT_EQ(ScaledMSE().describe(), "ScaledMSE(reduction=mean)");
  EXPECT_EQ(CrossEntropyLoss().name(), "CrossEntropyLoss");
}

TEST(Module, MovingKeepsTheSameParameters) {
  Linear a(2, 3);
  Variable w = a.weight();
  Linear b = std::move(a);
  EXPECT_TRUE(b.weight().same(w));
  EXPECT_TRUE(b.parameters()[0].same(w));
}

}  // namespace
}  // namespace minidl::nn
