// Command-line overrides: `dotted.path=value` is split at its first '=', the value is read as
// YAML, and applying it edits the config tree in place, creating the maps on its way. Every
// mistake is a ConfigError whose location is the override as the user typed it.
#include "minidl/experiment/overrides.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "expect_config_error.hpp"

using namespace minidl::experiment;
using namespace minidl::experiment::config_testing;

namespace {

// The ConfigError that parsing `text` throws.
ConfigError parse_error(const std::string& text) {
  return config_error_from([&] { parse_override(text); });
}

// The ConfigError that applying `text` to `root` throws.
ConfigError apply_error(YAML::Node root, const std::string& text) {
  return config_error_from([&] { apply_override(root, parse_override(text)); });
}

// `root` after applying the override `text`.
YAML::Node applied(YAML::Node root, const std::string& text) {
  apply_override(root, parse_override(text));
  return root;
}

}  // namespace

// ---- Parsing ----

TEST(ParseOverride, SplitsThePathFromAValueReadAsYaml) {
  const Override o = parse_override("optimizer.lr=0.01");
  EXPECT_EQ(o.text, "optimizer.lr=0.01");
  EXPECT_EQ(o.path, "optimizer.lr");
  EXPECT_EQ(o.value.as<double>(), 0.01);

  EXPECT_EQ(parse_override("model.0.out=[64, 10]").value.size(), 2u);
  EXPECT_EQ(parse_override("model.1={type: relu}").value["type"].as<std::string>(), "relu");
}

TEST(ParseOverride, OnlyTheFirstEqualsSignSplits) {
  const Override o = parse_override("data.train.path=runs/a=b.csv");
  EXPECT_EQ(o.path, "data.train.path");
  EXPECT_EQ(o.value.as<std::string>(), "runs/a=b.csv");
}

TEST(ParseOverride, WithoutAnEqualsSignItIsAConfigErrorNamingTheOverride) {
  expect_override_error(parse_error("optimizer.lr"), "optimizer.lr", {"'='"});
}

TEST(ParseOverride, AnEmptyKeyInThePathIsAConfigErrorNamingTheOverride) {
  for (const std::string text : {"optimizer..lr=1", ".lr=1", "optimizer.=1", "=1"}) {
    SCOPED_TRACE(text);
    expect_override_error(parse_error(text), text, {"empty key"});
  }
}

TEST(ParseOverride, AValueThatIsNotYamlIsAConfigErrorNamingTheOverride) {
  const ConfigError e = parse_error("model.0=[64, 10");
  EXPECT_EQ(e.where().origin, "override 'model.0=[64, 10'") << e.what();
}

// ---- Applying ----

TEST(ApplyOverride, ReplacesTheValueAtItsPath) {
  const YAML::Node root = applied(YAML::Load("{optimizer: {type: adam, lr: 0.001}}"), "optimizer.lr=0.01");
  EXPECT_EQ(root["optimizer"]["lr"].as<double>(), 0.01);
  EXPECT_EQ(root["optimizer"]["type"].as<std::string>(), "adam") << "its neighbours are kept";
}

TEST(ApplyOverride, CreatesTheMissingMapsOnItsWayAndSaysWhichItCreated) {
  YAML::Node root = YAML::Load("{name: x}");
  const std::vector<std::string> created = apply_override(root, parse_override("train.early_stopping.patience=3"));
  EXPECT_EQ(root["train"]["early_stopping"]["patience"].as<int>(), 3);
  EXPECT_EQ(created, (std::vector<std::string>{"train", "train.early_stopping"}));

  YAML::Node existing = YAML::Load("{train: {epochs: 5}}");
  EXPECT_TRUE(apply_override(existing, parse_override("train.epochs=6")).empty()) << "nothing created";
}

TEST(ApplyOverride, AListElementIsNamedByItsIndexAndTheNextIndexAppends) {
  const YAML::Node model = YAML::Load("{model: [{type: linear, out: 8}, relu]}");
  EXPECT_EQ(applied(YAML::Clone(model), "model.0.out=16")["model"][0]["out"].as<int>(), 16);
  EXPECT_EQ(applied(YAML::Clone(model), "model.1=tanh")["model"][1].as<std::string>(), "tanh");

  YAML::Node root = YAML::Clone(model);
  EXPECT_EQ(apply_override(root, parse_override("model.2.type=relu")), (std::vector<std::string>{"model.2"}));
  EXPECT_EQ(root["model"].size(), 3u);
  EXPECT_EQ(root["model"][2]["type"].as<std::string>(), "relu");
}

TEST(ApplyOverride, ANodeThatAnAliasPutsAtTwoPathsChangesOnlyAtTheOverridesPath) {
  const YAML::Node shared = YAML::Load(
      "data: {train: &t {path: a.csv, target: y}, validation: *t}\n"
      "model: [&l {type: linear, out: 8}, relu, *l]\n"
      "lr: &r 0.1\n"
      "momentum: *r\n");

  const YAML::Node data = applied(YAML::Clone(shared), "data.train.path=b.csv")["data"];
  EXPECT_EQ(data["train"]["path"].as<std::string>(), "b.csv");
  EXPECT_EQ(data["validation"]["path"].as<std::string>(), "a.csv") << "the alias keeps what the file wrote";
  EXPECT_EQ(data["train"]["target"].as<std::string>(), "y") << "the copy keeps the other keys";

  const YAML::Node model = applied(YAML::Clone(shared), "model.2.out=3")["model"];
  ASSERT_EQ(model.size(), 3u);
  EXPECT_EQ(model[2]["out"].as<int>(), 3);
  EXPECT_EQ(model[0]["out"].as<int>(), 8);
  EXPECT_EQ(model[1].as<std::string>(), "relu") << "the list keeps its order";

  const YAML::Node scalars = applied(YAML::Clone(shared), "lr=0.5");
  EXPECT_EQ(scalars["lr"].as<double>(), 0.5);
  EXPECT_EQ(scalars["momentum"].as<double>(), 0.1);

  // Two overrides through the same alias: the second writes into the first one's copy.
  YAML::Node twice = YAML::Clone(shared);
  apply_override(twice, parse_override("data.train.path=b.csv"));
  apply_override(twice, parse_override("data.train.target=z"));
  EXPECT_EQ(twice["data"]["train"]["path"].as<std::string>(), "b.csv");
  EXPECT_EQ(twice["data"]["train"]["target"].as<std::string>(), "z");
  EXPECT_EQ(twice["data"]["validation"]["target"].as<std::string>(), "y");
}

TEST(ApplyOverride, AnIndexPastTheEndOrNotANumberIsAConfigErrorNamingTheList) {
  const YAML::Node model = YAML::Load("{model: [relu, tanh]}");
  expect_override_error(apply_error(YAML::Clone(model), "model.3=relu"), "model.3=relu",
                        {"'model'", "0..1, or 2 to add an item", "'3'"});
  expect_override_error(apply_error(YAML::Clone(model), "model.first=relu"), "model.first=relu", {"'model'", "'first'"});
}

TEST(ApplyOverride, APathThroughAScalarIsAConfigErrorNamingBoth) {
  expect_override_error(apply_error(YAML::Load("{name: run}"), "name.first=x"), "name.first=x",
                        {"'name'", "a scalar", "'first'"});
  // A component given by its name alone: the map to write instead.
  expect_override_error(apply_error(YAML::Load("{loss: mse}"), "loss.reduction=sum"), "loss.reduction=sum",
                        {"'loss'", "the name 'mse'", "'reduction'", "loss={type: mse, reduction: sum}"});
}

TEST(ApplyOverride, TheConfigMustBeAMap) {
  expect_override_error(apply_error(YAML::Load("[1, 2]"), "name=x"), "name=x", {"not a map"});
}

TEST(ApplyOverride, TheConfigGetsACopyOfTheValue) {
  Override o = parse_override("model.0={type: linear, out: 4}");
  YAML::Node root = YAML::Load("{model: [relu]}");
  apply_override(root, o);
  o.value["out"] = 99;  // a later edit of the parsed override does not reach the config
  EXPECT_EQ(root["model"][0]["out"].as<int>(), 4);
}
