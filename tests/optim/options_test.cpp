// Options are declared once per optimizer (fields()); these tests show what that one
// declaration gives: designated initialisers, maps by name, checked values, printing.
#include <gtest/gtest.h>

#include "minidl/optim.hpp"
#include "minidl_test/errors.hpp"

namespace minidl::optim {
namespace {

// The message of the ValueError `f` throws.
template <class F>
std::string error_of(F&& f) {
  return test::error_of<ValueError>(f);
}

std::vector<Variable> one_param() { return {Variable(Tensor::zeros({2}), true)}; }

TEST(Options, DesignatedInitialisersSetTheRestToPyTorchDefaults) {
  Adam adam(one_param(), {.lr = 1e-2, .amsgrad = true});
  EXPECT_EQ(adam.options().lr, 1e-2);
  EXPECT_TRUE(adam.options().amsgrad);
  EXPECT_EQ(adam.options().betas, (std::pair{0.9, 0.999}));
  EXPECT_EQ(adam.options().eps, 1e-8);
  EXPECT_EQ(AdamWOptions{}.weight_decay, 1e-2);
}

TEST(Options, AMapByNameBuildsTheSameStruct) {
  const auto options = options_from_map<AdamOptions>(
      {{"lr", 0.01}, {"betas", {0.8, 0.9}}, {"amsgrad", true}}, "Adam");
  EXPECT_EQ(options.lr, 0.01);
  EXPECT_EQ(options.betas, (std::pair{0.8, 0.9}));
  EXPECT_TRUE(options.amsgrad);
  EXPECT_EQ(options.eps, 1e-8);
}

TEST(Options, AnUnknownNameSuggestsTheClosest) {
  const std::string message = error_of([] { make("adam", one_param(), {{"lrr", 0.1}}); });
  EXPECT_NE(message.find("unknown option 'lrr'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'lr'?"), std::string::npos) << message;
  EXPECT_NE(message.find("amsgrad"), std::string::npos) << "lists the known options: " << message;
}

TEST(Options, AWrongTypeNamesTheOptionAndTheValue) {
  EXPECT_EQ(error_of([] {
              make("adam", one_param(), {{"amsgrad", 1}});
            }),
            "Adam: option amsgrad must be true or false, got 1");
  EXPECT_EQ(error_of([] {
              make("adam", one_param(), {{"betas", 0.9}});
            }),
            "Adam: option betas must be a list of two numbers, got 0.9");
  EXPECT_EQ(error_of([] {
              make_scheduler("step", *make("sgd", one_param()), {{"step_size", 2.5}});
            }),
            "StepLR: option step_size must be an integer, got 2.5");
}

TEST(Options, InvalidValuesAreRejectedAtConstruction) {
  EXPECT_EQ(error_of([] { SGD(one_param(), {.lr = -1}); }), "SGD: option lr must be >= 0, got -1");
  EXPECT_EQ(error_of([] {
              make("adam", one_param(), {{"betas", {1.0, 0.999}}});
            }),
            "Adam: option betas must be two values in [0, 1), got (1, 0.999)");
  EXPECT_EQ(error_of([] {
              make("rmsprop", one_param(), {{"eps", -1e-8}});
            }),
            "RMSprop: option eps must be >= 0, got -1e-08");
  EXPECT_EQ(error_of([] { SGD(one_param(), {.lr = 0.1, .nesterov = true}); }),
            "SGD: nesterov=true requires momentum > 0 and dampening = 0, got momentum=0, "
            "dampening=0");
  EXPECT_NE(
      error_of([] { SGD(one_param(), {.momentum = 0.9, .dampening = 0.1, .nesterov = true}); }),
      "");
}

TEST(Options, ARequiredOptionMustBeGiven) {
  auto sgd = make("sgd", one_param());
  EXPECT_EQ(error_of([&] { make_scheduler("step", *sgd); }),
            "StepLR: missing required option 'step_size'");
}

TEST(Options, OptimizersPrintLikePyTorch) {
  EXPECT_EQ(make("adam", one_param())->to_string(),
            "Adam(lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0, amsgrad=false, "
            "maximize=false)");
  EXPECT_EQ(
      make("momentum", one_param(), {{"lr", 0.1}})->to_string(),
      "SGD(lr=0.1, momentum=0.9, dampening=0, weight_decay=0, nesterov=false, maximize=false)");
}

TEST(Options, ValuesRoundTripThroughText) {
  for (const OptionValue& v : {OptionValue(0.1), OptionValue(1e-8), OptionValue(3), OptionValue(true),
                               OptionValue({0.9, 0.999}), OptionValue(std::vector<double>{}), OptionValue("fan_in")})
    EXPECT_EQ(OptionValue::parse(v.to_string()), v) << v.to_string();
  EXPECT_EQ(OptionValue(0.1 + 0.2).to_string(), "0.30000000000000004");
  EXPECT_EQ(OptionValue(3), OptionValue(3.0)) << "numbers compare by value";
  // Text that is no number, flag or list is a string, which a number option refuses by name.
  EXPECT_TRUE(OptionValue::parse("fast").is_string());
  try {
    make("adam", one_param(), {{"lr", OptionValue::parse("fast")}});
    FAIL() << "no OptionError";
  } catch (const OptionError& e) {
    EXPECT_EQ(e.component(), "Adam");
    EXPECT_EQ(e.option(), "lr");
  }
}

TEST(Options, InfosDocumentEveryOptionWithItsDefault) {
  const auto infos = optimizer_options("momentum");
  ASSERT_EQ(infos.size(), 6u);
  EXPECT_EQ(infos[1].name, "momentum");
  EXPECT_EQ(infos[1].default_value, "0.9") << "the preset of the name 'momentum'";
  EXPECT_EQ(infos[0].expected, ">= 0");
  EXPECT_FALSE(infos[0].doc.empty());
  EXPECT_TRUE(scheduler_options("cosine")[0].required);
}

}  // namespace
}  // namespace minidl::optim
