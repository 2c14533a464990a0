// Reading experiment configs: typed values, defaults, overrides, and one located error per mistake.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "expect_config_error.hpp"
#include "minidl/experiment/config.hpp"

using namespace minidl::experiment;
using minidl::OptionValue;
using namespace minidl::experiment::config_testing;

namespace {

const char* kDigits = R"(name: digits-mlp
seed: 3
data:
  train: {type: csv, path: examples/datasets/digits.csv}
  validation: {split: 0.2}
  transform: {scale: 0.0625}
  batch_size: 32
model:
  - {type: linear, in: 64, out: 128}
  - relu
  - {type: linear, out: 10}
loss: cross_entropy
optimizer: {type: adam, lr: 0.001}
train: {epochs: 20}
)";

// The message of the ConfigError that parsing `text` (with `overrides`) throws.
std::string error_of(const std::string& text, std::vector<std::string> overrides = {}) {
  return minidl::test::error_of<ConfigError>([&] { parse_config(text, "exp.yaml", overrides); });
}

// kDigits with `from` replaced by `to`.
std::string edited(const std::string& from, const std::string& to) {
  std::string text = kDigits;
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST(Config, ReadsTypedValuesAndFillsDefaults) {
  const Config c = parse_config(kDigits, "exp.yaml");
  EXPECT_EQ(c.name, "digits-mlp");
  EXPECT_EQ(c.seed, 3u);
  EXPECT_EQ(c.data.train.type, "csv");
  EXPECT_EQ(c.data.train.value("path"), OptionValue("examples/datasets/digits.csv"));
  EXPECT_EQ(c.data.train.value("target"), OptionValue("target"));  // default
  EXPECT_DOUBLE_EQ(c.data.validation_split, 0.2);
  EXPECT_DOUBLE_EQ(c.data.transform.scale, 0.0625);
  EXPECT_EQ(c.data.batch_size, 32);
  EXPECT_TRUE(c.data.shuffle);
  ASSERT_EQ(c.model.layers.size(), 3u);
  EXPECT_EQ(c.model.layers[1].layer.type, "relu");  // a bare name is a layer without options
  EXPECT_FALSE(c.model.layers[2].layer.value("in"));  // inferred when the model is built
  EXPECT_EQ(c.model.layers[2].layer.value("bias"), OptionValue(true));
  EXPECT_EQ(c.loss.type, "cross_entropy");
  EXPECT_EQ(c.optimizer.optimizer.type, "adam");
  EXPECT_EQ(c.optimizer.optimizer.value("lr"), OptionValue(0.001));
  EXPECT_EQ(c.optimizer.optimizer.value("eps"), OptionValue(1e-8));  // optim's own default
  EXPECT_EQ(c.train.epochs, 20);
  EXPECT_EQ(c.output, "");  // none: each run gets runs/<name>/version_<N>
}

TEST(Config, OverridesAreTypedBySchema) {
  const Config c = parse_config(kDigits, "exp.yaml",
                                {{"optimizer.lr=0.01", "model.0.out=256", "train.epochs=5",
                                  "output=runs/x", "threads=1", "data.validation.split=0.25"}});
  EXPECT_EQ(c.optimizer.optimizer.value("lr"), OptionValue(0.01));
  EXPECT_EQ(c.model.layers[0].layer.value("out"), OptionValue(256));
  EXPECT_EQ(c.train.epochs, 5);
  EXPECT_EQ(c.output, "runs/x");
  EXPECT_EQ(c.threads, 1);
  EXPECT_DOUBLE_EQ(c.data.validation_split, 0.25);
}

TEST(Config, AValidationSourceWithASplitOptionIsASourceNotAFraction) {
  const Config c = parse_config(edited("validation: {split: 0.2}", "validation: {type: fashion_mnist, split: test}"),
                                "exp.yaml");
  ASSERT_TRUE(c.data.validation);
  EXPECT_EQ(c.data.validation->type, "fashion_mnist");
  EXPECT_EQ(c.data.validation->value("split"), OptionValue("test"));
  EXPECT_EQ(c.data.validation_split, 0.0);
  EXPECT_EQ(to_yaml_text(parse_config(to_yaml_text(c), "config.yaml")), to_yaml_text(c));
}

TEST(Config, OverridesCanAddSectionsAndListItems) {
  const Config c = parse_config(kDigits, "exp.yaml",
                                {{"scheduler.type=step", "scheduler.step_size=5", "model.3={type: relu}"}});
  ASSERT_TRUE(c.scheduler);
  EXPECT_EQ(c.scheduler->type, "step");
  EXPECT_EQ(c.scheduler->value("step_size"), OptionValue(5));
  EXPECT_EQ(c.model.layers.size(), 4u);
}

TEST(Config, ResolvedYamlReadsBackToTheSameConfig) {
  const Config c = parse_config(kDigits, "exp.yaml", {{"optimizer.lr=0.03"}});
  const std::string text = to_yaml_text(c);
  const Config again = parse_config(text, "config.yaml");
  EXPECT_EQ(to_yaml_text(again), text);
  EXPECT_NE(text.find("lr: 0.03"), std::string::npos) << text;
}

TEST(ConfigErrors, UnknownKeySuggestsTheClosest) {
  EXPECT_EQ(error_of(edited("  batch_size: 32", "  bacth_size: 32")),
            "exp.yaml:7:3: unknown key 'bacth_size' in 'data' (did you mean 'batch_size'?); known keys: "
            "train, validation, transform, batch_size, shuffle, drop_last");
}

TEST(ConfigErrors, WrongTypeNamesExpectedAndActual) {
  EXPECT_EQ(error_of(edited("lr: 0.001", "lr: abc")),
            "exp.yaml:13:29: optimizer.lr: Adam: option lr must be a number, got string 'abc'");
  EXPECT_EQ(error_of(edited("epochs: 20", "epochs: \"20\"")),
            "exp.yaml:14:17: train.epochs: option epochs must be an integer, got string '20'");
}

TEST(ConfigErrors, OutOfRangeNamesTheRange) {
  EXPECT_EQ(error_of(edited("batch_size: 32", "batch_size: 0")),
            "exp.yaml:7:15: data.batch_size: option batch_size must be > 0, got 0");
  EXPECT_EQ(error_of(edited("split: 0.2", "split: 1.5")),
            "exp.yaml:5:23: data.validation.split: expected a number in (0, 1), got 1.5");
}

TEST(ConfigErrors, UnknownComponentListsTheKnownOnes) {
  const std::string message = error_of(edited("type: linear, in: 64", "type: linaer, in: 64"));
  EXPECT_EQ(message.rfind("exp.yaml:9:12: model.0.type: unknown layer 'linaer' (did you mean 'linear'?); known: ", 0), 0u)
      << message;
  EXPECT_NE(message.find("relu"), std::string::npos);
  EXPECT_EQ(error_of(edited("type: adam", "type: adamm")).rfind(
                "exp.yaml:13:19: optimizer.type: unknown optimizer 'adamm' (did you mean 'adam'?)", 0),
            0u);
}

TEST(ConfigErrors, OptionRejectedByOptimNamesItsPlace) {
  EXPECT_EQ(error_of(edited("lr: 0.001", "lr: -1")),
            "exp.yaml:13:29: optimizer.lr: Adam: option lr must be >= 0, got -1");
}

TEST(ConfigErrors, AListIndexedAsInPythonIsNamedAsOverridesNameIt) {
  const std::string message = error_of(kDigits, {"model[0].out=64"});
  EXPECT_EQ(message.rfind("override 'model[0].out=64': unknown key 'model[0]' in the config", 0), 0u) << message;
  EXPECT_NE(message.find("'model.0'"), std::string::npos) << message;
  // Only a list gets the hint: the optimizer is a map.
  EXPECT_EQ(error_of(kDigits, {"optimizer[0]=1"}).find("named by index"), std::string::npos);
}

TEST(ConfigErrors, MissingSectionNamesTheMap) {
  std::string text = kDigits;
  text.erase(text.find("loss:"), std::string("loss: cross_entropy\n").size());
  EXPECT_EQ(error_of(text), "exp.yaml:1:1: missing key 'loss'");
}

TEST(ConfigErrors, OverrideErrorsNameTheOverride) {
  EXPECT_EQ(error_of(kDigits, {"optimizer.lrr=0.1"}).rfind(
                "override 'optimizer.lrr=0.1': unknown key 'lrr' in 'optimizer' (did you mean 'lr'?)", 0),
            0u);
  EXPECT_EQ(error_of(kDigits, {"train.epochs=many"}),
            "override 'train.epochs=many': train.epochs: option epochs must be an integer, got string 'many'");
  EXPECT_EQ(error_of(kDigits, {"model.7.out=3"}),
            "override 'model.7.out=3': 'model' is a list of 3: expected an index 0..2, or 3 to add an item, got '7'");
  EXPECT_EQ(error_of(kDigits, {"seed.x=1"}),
            "override 'seed.x=1': 'seed' is a scalar, not a map: cannot set 'x' in it");
  EXPECT_EQ(error_of(kDigits, {"epochs"}),
            "override 'epochs': expected key=value (a dotted path such as optimizer.lr=0.01), got no '='");
}

TEST(ConfigErrors, AnOptionForAComponentGivenByItsNameShowsTheMapToWrite) {
  // kDigits has `loss: cross_entropy`: a component given by its name alone.
  const std::string loss = error_of(kDigits, {"loss.reduction=sum"});
  EXPECT_EQ(loss.rfind("override 'loss.reduction=sum': 'loss' is the name 'cross_entropy', not a map", 0), 0u) << loss;
  EXPECT_NE(loss.find("write loss={type: cross_entropy, reduction: sum}"), std::string::npos) << loss;
  const std::string deeper = error_of(kDigits, {"loss.a.b=1"});
  EXPECT_NE(deeper.find("write loss={type: cross_entropy, ...}"), std::string::npos) << deeper;
}

TEST(ConfigErrors, InvalidYamlNamesThePosition) {
  EXPECT_EQ(error_of("data: {train: [\n"), "exp.yaml:2:1: invalid YAML: end of sequence flow not found");
}

// ---- Issue 11: what held-out checks and hostile inputs found -----------------------------------

namespace {

// The ConfigError that parsing `text` (with `overrides`) throws.
ConfigError config_error(const std::string& text, std::vector<std::string> overrides = {}) {
  return config_error_from([&] { parse_config(text, "exp.yaml", overrides); });
}

void expect_error_at(const ConfigError& e, int line, int column, std::initializer_list<std::string> parts) {
  config_testing::expect_error_at(e, "exp.yaml", line, column, parts);
}

const char* kModelMap = R"(name: from-file
data:
  train: {type: csv, path: examples/datasets/digits.csv}
model:
  layers:
    - {type: linear, out: 128}
    - relu
    - {type: linear, out: 10}
  init_from: weights.safetensors
loss: cross_entropy
optimizer: {type: sgd, lr: 0.1}
)";

}  // namespace

TEST(Config, ModelMapReadsItsLayersAndInitFrom) {
  const Config c = parse_config(kModelMap, "exp.yaml");
  EXPECT_EQ(c.model.layers.size(), 3u);
  EXPECT_EQ(c.model.init_from, "weights.safetensors");
  EXPECT_EQ(c.model.init_from_where.line, 9);
  EXPECT_EQ(c.model.init_from_where.column, 14);
  // The resolved config keeps the key, and reads back to the same config.
  const std::string text = to_yaml_text(c);
  EXPECT_TRUE(contains(text, "init_from: weights.safetensors")) << text;
  EXPECT_EQ(parse_config(text, "config.yaml").model.init_from, "weights.safetensors");
}

TEST(ConfigNodes, AssigningANodeRebindsItAndLeavesTheTreeAlone) {
  const ConfigNode root = parse_config_tree("a: {x: 1}\nb: [2, 3]\n", "exp.yaml");
  ConfigNode node = root["a"];
  node = root["b"];
  EXPECT_TRUE(node.is_list());
  EXPECT_EQ(node.path(), "b");
  EXPECT_TRUE(root["a"].is_map());  // not overwritten by the list
  EXPECT_EQ(root["a"]["x"].as_int(), 1);
}

TEST(ConfigErrors, NonFiniteNumbersAreRejectedAtTheirKey) {
  expect_error_at(config_error(edited("lr: 0.001", "lr: .nan")), 13, 29, {"optimizer.lr", "finite", ".nan"});
  EXPECT_FALSE(contains(config_error(edited("lr: 0.001", "lr: .nan")).problem(), "any value"));
  expect_error_at(config_error(edited("lr: 0.001", "lr: .inf")), 13, 29, {"optimizer.lr", "finite", ".inf"});
  expect_error_at(config_error(edited("scale: 0.0625", "scale: .inf")), 6, 22, {"data.transform.scale", ".inf"});
  expect_error_at(config_error(edited("{type: linear, out: 10}", "{type: linear, out: 10, init: {weight: {type: normal, std: .inf}}}")),
                  11, 64, {"std", ".inf"});
  expect_error_at(config_error(edited("{type: linear, out: 10}", "{type: linear, out: 10, init: {weight: {type: xavier_uniform, gain: -.inf}}}")),
                  11, 73, {"gain", "-.inf"});
  // Past double's range is a number too: 1e400 is infinite (not a string), 1e-400 is 0, as YAML readers take them.
  expect_override_error(config_error(kDigits, {"optimizer.lr=1e400"}), "optimizer.lr=1e400", {"optimizer.lr", "finite", "1e400"});
  const std::string resolved = to_yaml_text(parse_config(kDigits, "exp.yaml", {{"optimizer.lr=1e-400"}}));
  EXPECT_TRUE(contains(resolved, "lr: 0.0,") || contains(resolved, "lr: 0.0\n")) << resolved;
}

TEST(ConfigErrors, AScaleFloatCannotHoldIsRejectedAtItsKey) {
  expect_error_at(config_error(edited("scale: 0.0625", "scale: 1e300")), 6, 22, {"data.transform.scale", "1e+300"});
  expect_error_at(config_error(edited("scale: 0.0625", "scale: 1e-60")), 6, 22, {"data.transform.scale", "1e-60"});
}

TEST(ConfigErrors, LargeIntegersAreReportedExactly) {
  // Integer options stay int64 all the way to optim: 2^63 - 1 arrives exact, not rounded to 2^63.
  const Config c = parse_config(edited("train: {epochs: 20}", "scheduler: {type: step, step_size: 9223372036854775807}"),
                                "exp.yaml");
  EXPECT_EQ(c.scheduler->value("step_size"), OptionValue(int64_t{9223372036854775807}));
  EXPECT_NE(to_yaml_text(c).find("step_size: 9223372036854775807"), std::string::npos);
  const ConfigError big = config_error(edited("epochs: 20", "epochs: 9223372036854775808"));
  expect_error_at(big, 14, 17, {"train.epochs", "9223372036854775808"});
}

TEST(ConfigErrors, ADuplicateKeyIsAnErrorAtTheSecond) {
  expect_error_at(config_error(edited("  batch_size: 32", "  batch_size: 32\n  batch_size: 64")), 8, 3,
                  {"duplicate key 'batch_size'", "7:3"});
  expect_error_at(config_error(edited("lr: 0.001", "lr: 0.001, lr: 0.1")), 13, 36, {"duplicate key 'lr'"});
  expect_override_error(config_error(kDigits, {"optimizer={type: sgd, lr: 1, lr: 2}"}),
                        "optimizer={type: sgd, lr: 1, lr: 2}", {"duplicate key 'lr'"});
}

TEST(ConfigErrors, ALineIndentedWithATabSaysSo) {
  // yaml-cpp's own words for it ("illegal map value") do not say what is wrong.
  expect_error_at(config_error(edited("  batch_size: 32", "\tbatch_size: 32")), 7, 2,
                  {"invalid YAML", "line 7 is indented with a tab"});
  expect_error_at(config_error(edited("  - relu", "\t- relu")), 10, 2, {"line 10 is indented with a tab"});
  // A tab inside a line is no indentation.
  const ConfigError other = config_error(edited("name: digits-mlp", "name: [digits\t"));
  EXPECT_FALSE(contains(other.problem(), "tab")) << other.what();
}

TEST(ConfigErrors, ASecondYamlDocumentIsAnError) {
  const ConfigError e = config_error(std::string(kDigits) + "---\nname: other\n");
  expect_error_at(e, 15, 1, {"second YAML document"});  // the `---` line
  expect_error_at(config_error(std::string(kDigits) + "---\n"), 15, 1, {"second YAML document"});
}

TEST(ConfigErrors, TextThatIsNotUtf8OrHoldsAControlCharacterIsAnErrorAtItsFirstBadByte) {
  // "café" saved as Latin-1: the é is the byte 0xE9, column 10 of the first line.
  expect_error_at(config_error(edited("name: digits-mlp", "name: digits-caf\xe9")), 1, 17, {"not valid UTF-8", "0xE9"});
  // An encoded surrogate and a cut-off sequence are not UTF-8 either, wherever they stand.
  expect_error_at(config_error(std::string(kDigits) + "# \xed\xa0\x80\n"), 15, 3, {"not valid UTF-8"});
  expect_error_at(config_error(std::string(kDigits) + "# \xe2\x82"), 15, 3, {"not valid UTF-8"});
  expect_override_error(config_error(kDigits, {"name=\xff"}), "name=\xff", {"not valid UTF-8"});
  // A NUL (from a binary file) or another control character is not YAML text either.
  expect_error_at(config_error(edited("seed: 3", std::string("seed: 3\0", 8))), 2, 8, {"control character", "0x00"});
  expect_error_at(config_error(edited("seed: 3", "seed: \x1b[0m3")), 2, 7, {"control character", "0x1B"});
  // UTF-8 of every length is text like any other.
  EXPECT_EQ(parse_config(edited("name: digits-mlp", "name: caf\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80"), "exp.yaml").name,
            "caf\xc3\xa9-\xe2\x82\xac-\xf0\x9f\x98\x80");
}

TEST(ConfigErrors, ANameIsNotAPath) {
  for (const std::string bad : {"../../../x", "a/b", "a\\\\b", ".", "..", "\"\""}) {
    SCOPED_TRACE(bad);
    expect_error_at(config_error(edited("name: digits-mlp", "name: " + bad)), 1, 7, {"name"});
  }
  EXPECT_EQ(parse_config(edited("name: digits-mlp", "name: digits.v2"), "exp.yaml").name, "digits.v2");
}

TEST(ConfigErrors, AFractionGivenToAValidationSourcesSplitSaysHowToHoldOutAFraction) {
  // `data.validation.split=0.1` on a config whose validation data is Fashion-MNIST's test split:
  // the fraction reaches the source's own `split` (train or test).
  const std::string text = edited("validation: {split: 0.2}", "validation: {type: fashion_mnist, split: test}");
  const ConfigError e = config_error(text, {"data.validation.split=0.1"});
  EXPECT_EQ(e.where().origin, "override 'data.validation.split=0.1'") << e.what();
  EXPECT_TRUE(contains(e.problem(), "data.validation={split: 0.1}")) << e.what();
}

TEST(ConfigErrors, TooDeeplyNestedYamlSaysSo) {
  const ConfigError e = config_error("name: " + std::string(5000, '[') + std::string(5000, ']') + "\n");
  EXPECT_EQ(e.where().origin, "exp.yaml") << e.what();
  EXPECT_TRUE(contains(e.problem(), "nested")) << e.what();
  EXPECT_FALSE(contains(e.problem(), "bad file")) << e.what();
}

TEST(Config, ResolvedYamlKeepsEveryCharacterOfAString) {
  for (const std::string tricky : {"runs/x\r", "runs/x\t", " runs/x", "runs/x\n", "runs/\x7f", "runs/\x1b", "runs/\x01", "runs/é", "null", "~", ""}) {
    SCOPED_TRACE(tricky);
    Config c = parse_config(kDigits, "exp.yaml");
    c.output = tricky;
    EXPECT_EQ(parse_config(to_yaml_text(c), "config.yaml").output, tricky) << to_yaml_text(c);
  }
}

TEST(ConfigErrors, AYamlCycleIsAnErrorAndAliasesAreCheckedOnce) {
  expect_error_at(config_error(edited("name: digits-mlp", "name: &n [*n]")), 1, 7, {"cycle"});
  // "Billion laughs": ten levels of ten aliases name 10^10 nodes in a few hundred bytes.
  std::ostringstream bomb;
  bomb << "x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  for (int level = 1; level < 10; ++level) {
    bomb << "x" << level << ": &a" << level << " [*a" << level - 1;
    for (int i = 1; i < 10; ++i) bomb << ", *a" << level - 1;
    bomb << "]\n";
  }
  expect_error_at(config_error(bomb.str() + kDigits), 1, 1, {"unknown key 'x0'"});
}

TEST(Config, AMergeKeyGivesAMapTheKeysOfTheNamedMapsThatItDoesNotSetItself) {
  // YAML's merge key, as PyYAML reads it: one layer's options named once, reused with changes.
  const std::string text = edited("  - {type: linear, in: 64, out: 128}\n  - relu\n  - {type: linear, out: 10}",
                                  "  - &hidden {type: linear, in: 64, out: 128, bias: false}\n  - relu\n"
                                  "  - {<<: *hidden, out: 10}");
  const Config c = parse_config(text, "exp.yaml");
  ASSERT_EQ(c.model.layers.size(), 3u);
  EXPECT_EQ(c.model.layers[2].layer.value("out"), OptionValue(10)) << "its own key wins";
  EXPECT_EQ(c.model.layers[2].layer.value("bias"), OptionValue(false)) << "the named map's key fills in";

  // A list of maps: the first that sets a key wins.
  const Config listed = parse_config(
      edited("optimizer: {type: adam, lr: 0.001}",
             "optimizer: {<<: [{type: adam, lr: 0.5}, {lr: 0.1, eps: 0.01}], weight_decay: 0.25}"),
      "exp.yaml");
  EXPECT_EQ(listed.optimizer.optimizer.type, "adam");
  EXPECT_EQ(listed.optimizer.optimizer.value("lr"), OptionValue(0.5));
  EXPECT_EQ(listed.optimizer.optimizer.value("eps"), OptionValue(0.01));
  EXPECT_EQ(listed.optimizer.optimizer.value("weight_decay"), OptionValue(0.25));

  // An override of the merged layer leaves the named one as the file wrote it.
  const Config overridden = parse_config(text, "exp.yaml", {{"model.2.bias=true"}});
  EXPECT_EQ(overridden.model.layers[2].layer.value("bias"), OptionValue(true));
  EXPECT_EQ(overridden.model.layers[0].layer.value("bias"), OptionValue(false));
}

TEST(ConfigErrors, AMergeKeyOfAnythingButMapsIsAnErrorAtItsValue) {
  expect_error_at(config_error(edited("optimizer: {type: adam, lr: 0.001}", "optimizer: {<<: 3, type: adam}")), 13, 17,
                  {"merge key '<<'", "a map or a list of maps"});
  expect_error_at(config_error(edited("optimizer: {type: adam, lr: 0.001}", "optimizer: {<<: [{lr: 1}, 2], type: adam}")),
                  13, 17, {"merge key '<<'"});
  // Quoted, it is an ordinary key.
  expect_error_at(config_error(edited("optimizer: {type: adam, lr: 0.001}", "optimizer: {\"<<\": {lr: 1}, type: adam}")),
                  13, 13, {"'<<'"});
}

TEST(ConfigErrors, ErrorsGoToTheOverrideThatWroteOrCreatedTheNode) {
  // `scheduler` exists only because the override created it on the way to step_size.
  expect_override_error(config_error(kDigits, {"scheduler.step_size=5"}), "scheduler.step_size=5",
                        {"scheduler", "missing key 'type'"});
  // Nodes inside an override's value have positions in the override's text, not in the file.
  expect_override_error(config_error(kDigits, {"optimizer={type: adam,\n lr: abc}"}), "optimizer={type: adam,\n lr: abc}",
                        {"optimizer.lr", "must be a number"});
  // The first key of a file sits at offset 0 and still has its position.
  expect_error_at(config_error("nmae: x\n"), 1, 1, {"unknown key 'nmae'", "did you mean 'name'"});
}

TEST(ConfigErrors, ARequiredOptionLeftWithoutAValueIsAnErrorAtItsKey) {
  // The override that emptied it is to blame, not the layer's line in the file.
  expect_override_error(config_error(kDigits, {"model.2.out="}), "model.2.out=",
                        {"model.2.out", "missing required option 'out'"});
  // In the file, the key written without a value.
  expect_error_at(config_error(edited("  - {type: linear, out: 10}", "  - type: linear\n    out:")), 12, 5,
                  {"model.2.out", "missing required option 'out'"});
}

TEST(ConfigErrors, ARequiredKeyLeftWithoutAValueIsAnErrorAtItsKey) {
  expect_override_error(config_error(kDigits, {"loss="}), "loss=", {"loss", "no value"});
  expect_override_error(config_error(kDigits, {"optimizer.type="}), "optimizer.type=", {"optimizer.type", "no value"});
  expect_error_at(config_error(edited("loss: cross_entropy", "loss:")), 12, 1, {"loss", "no value"});
  // A key that is not there at all is missing from its map, as before.
  expect_error_at(config_error(edited("loss: cross_entropy\n", "")), 1, 1, {"missing key 'loss'"});
}
