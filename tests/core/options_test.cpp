// The one option model every component uses: an options struct declares each option once, and
// building from a map, checks, errors, printing and documentation all come from that.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <tuple>

#include "minidl/core/options.hpp"
#include "minidl/core/registry.hpp"
#include "minidl/core/suggest.hpp"
#include "minidl_test/errors.hpp"

namespace minidl {
namespace {

using test::thrown_by;

inline constexpr std::string_view kModes[] = {"fan_in", "fan_out"};

struct LayerLikeOptions {
  std::optional<int64_t> in;  // inferred when unset
  int64_t out = 0;
  double p = 0.5;
  std::string mode = "fan_in";
  static constexpr auto fields() {
    return std::tuple{option("in", &LayerLikeOptions::in, check::positive_int, "input size"),
                      option("out", &LayerLikeOptions::out, check::positive_int, "output size").required(),
                      option("p", &LayerLikeOptions::p, check::unit_interval, "a probability"),
                      option("mode", &LayerLikeOptions::mode, check::one_of(kModes), "which fan")};
  }
};

TEST(Options, AMapBuildsTheStructWithDefaultsForTheRest) {
  const auto o = options_from_map<LayerLikeOptions>({{"out", 10}, {"mode", "fan_out"}}, "layer");
  EXPECT_FALSE(o.in.has_value());
  EXPECT_EQ(o.out, 10);
  EXPECT_EQ(o.p, 0.5);
  EXPECT_EQ(o.mode, "fan_out");
  // An unset optional is left out of the resolved list; the rest keep declaration order.
  const OptionList list = options_to_list(o);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].first, "out");
  EXPECT_EQ(list[2].first, "mode");
}

TEST(Options, ErrorsNameTheComponentTheOptionAndTheReason) {
  auto unknown = thrown_by<OptionError>([] { options_from_map<LayerLikeOptions>({{"out", 1}, {"outt", 2}}, "layer"); });
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->component(), "layer");
  EXPECT_EQ(unknown->option(), "outt");
  EXPECT_NE(unknown->reason().find("did you mean 'out'?"), std::string::npos) << unknown->what();

  auto type = thrown_by<OptionError>([] { options_from_map<LayerLikeOptions>({{"out", "ten"}}, "layer"); });
  ASSERT_TRUE(type);
  EXPECT_EQ(type->option(), "out");
  EXPECT_NE(type->reason().find("must be an integer"), std::string::npos) << type->what();

  auto range = thrown_by<OptionError>([] { options_from_map<LayerLikeOptions>({{"out", 1}, {"p", 1.0}}, "layer"); });
  ASSERT_TRUE(range);
  EXPECT_EQ(range->option(), "p");
  EXPECT_NE(range->reason().find("in [0, 1)"), std::string::npos) << range->what();

  auto missing = thrown_by<OptionError>([] { options_from_map<LayerLikeOptions>({}, "layer"); });
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->option(), "out");

  auto choice = thrown_by<OptionError>([] { options_from_map<LayerLikeOptions>({{"out", 1}, {"mode", "fan_ni"}}, "layer"); });
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->option(), "mode");
  EXPECT_NE(choice->reason().find("one of fan_in, fan_out"), std::string::npos) << choice->what();
  EXPECT_NE(choice->reason().find("did you mean 'fan_in'?"), std::string::npos) << choice->what();

  auto optional_checked = thrown_by<OptionError>([] { options_from_map<LayerLikeOptions>({{"out", 1}, {"in", 0}}, "layer"); });
  ASSERT_TRUE(optional_checked);
  EXPECT_EQ(optional_checked->option(), "in");
}

TEST(Options, InfosDocumentTypeDefaultCheckAndRequirement) {
  const auto infos = option_infos<LayerLikeOptions>();
  ASSERT_EQ(infos.size(), 4u);
  EXPECT_EQ(infos[0].default_value, "none");
  EXPECT_TRUE(infos[1].required);
  EXPECT_EQ(infos[2].type, "number");
  EXPECT_EQ(infos[3].expected, "one of fan_in, fan_out");
}

TEST(Registry, ANameIsRegisteredOnceAndUnknownNamesGetASuggestion) {
  struct Entry {
    std::string name;
  };
  Registry<Entry> registry("widget");
  registry.add({"linear"});
  EXPECT_THROW(registry.add({"linear"}), ValueError);
  const std::string message = test::error_of<ValueError>([&] { registry.find("lineer"); });
  EXPECT_NE(message.find("unknown widget 'lineer'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'linear'?"), std::string::npos) << message;
  EXPECT_EQ(registry.get("relu"), nullptr);
}

TEST(Suggest, OnlyPlausibleTyposAreSuggested) {
  const std::string known[] = {"lr", "momentum", "batch_size", "weight_decay"};
  EXPECT_EQ(closest_name("lrr", known), "lr");
  EXPECT_EQ(closest_name("LR", known), "lr") << "case does not count";
  EXPECT_EQ(closest_name("bacth_size", known), "batch_size") << "a swap of neighbours is one edit";
  EXPECT_EQ(closest_name("momentun", known), "momentum");
  EXPECT_EQ(closest_name("xy", known), "") << "two edits in a two-letter name is another word";
  EXPECT_EQ(closest_name("epochs", known), "");
  EXPECT_EQ(did_you_mean("weight_decy", known), " (did you mean 'weight_decay'?)");
  EXPECT_EQ(did_you_mean("gamma", known), "");
}

TEST(Suggest, AnAbbreviationOfOneKnownNameIsSuggested) {
  const std::string metrics[] = {"val_loss", "val_accuracy", "train_loss"};
  EXPECT_EQ(closest_name("val_acc", metrics), "val_accuracy") << "Lightning's usual name";
  EXPECT_EQ(closest_name("VAL_ACC", metrics), "val_accuracy") << "case does not count";
  EXPECT_EQ(closest_name("val", metrics), "") << "it abbreviates two names";
  const std::string known[] = {"loss", "accuracy"};
  EXPECT_EQ(closest_name("acc", known), "accuracy");
  EXPECT_EQ(closest_name("ac", known), "") << "two letters abbreviate too much";
}

TEST(Suggest, WhatPyTorchOrLightningCallsAKnownNameFindsIt) {
  const std::string train[] = {"epochs", "clip_grad_norm", "early_stopping"};
  EXPECT_EQ(closest_name("max_epochs", train), "epochs") << "Lightning's Trainer";
  EXPECT_EQ(closest_name("num_epochs", train), "epochs") << "d2l's";
  EXPECT_EQ(closest_name("gradient_clip_val", train), "clip_grad_norm");
  const std::string linear[] = {"in", "out", "bias"};
  EXPECT_EQ(closest_name("out_features", linear), "out") << "torch.nn.Linear's";
  EXPECT_EQ(closest_name("monitor", linear), "") << "only a name this place knows";
}

TEST(OptionValue, IntegersStayExactAndNumbersCompareByValue) {
  const OptionValue big = int64_t{9007199254740993};  // 2^53 + 1: a double would round it
  EXPECT_EQ(big.to_string(), "9007199254740993");
  EXPECT_EQ(OptionValue::parse("9007199254740993"), big);
  EXPECT_EQ(OptionValue(2), OptionValue(2.0));
  EXPECT_FALSE(OptionValue(2) == OptionValue(2.5));
  EXPECT_FALSE(OptionValue("2") == OptionValue(2)) << "text is not a number";
}

}  // namespace
}  // namespace minidl
