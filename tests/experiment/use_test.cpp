// From a trained run to its use: the run folder is self-contained (preprocessing saved beside
// the weights), `minidl evaluate` reports every metric, `minidl predict` gives the model's own
// outputs for new rows, and bad input is one located line with a non-zero status.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli_helpers.hpp"
#include "expect_config_error.hpp"
#include "minidl/autograd/grad_mode.hpp"
#include "minidl/core/reduction.hpp"
#include "minidl/data/csv_dataset.hpp"
#include "minidl/data/split.hpp"
#include "minidl/data/standardizer.hpp"
#include "minidl/data/tensor_dataset.hpp"
#include "minidl/experiment/config.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/experiment/trained_run.hpp"
#include "minidl/experiment/trainer.hpp"
#include "minidl/io/safetensors.hpp"
#include "minidl/nn/serialize.hpp"
#include "run_helpers.hpp"

namespace {

using namespace minidl;
using namespace minidl::experiment;
namespace fs = std::filesystem;
using minidl::test::scratch;

// Trains `config` with `overrides` into a fresh scratch folder named `name`; returns the folder.
std::string trained(const std::string& config, const std::string& name, std::vector<std::string> overrides = {}) {
  const std::string out = scratch(name);
  overrides.push_back("output=" + out);
  Experiment run(load_config(config, overrides));
  std::ostringstream log;
  train(run, {}, log);
  return out;
}

minidl::test::CommandResult cli(const std::string& args) { return minidl::test::run_program(MINIDL_CLI, "", args); }

// The rows of a CSV file written by predict: each line's numbers.
std::vector<std::vector<double>> read_rows(const std::string& csv, std::string* header = nullptr) {
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);
  if (header) *header = line;
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::istringstream fields(line);
    for (std::string f; std::getline(fields, f, ',');) row.push_back(std::stod(f));
    rows.push_back(row);
  }
  return rows;
}

// The model's outputs on every row of `csv`, computed here from the data layer's own pieces:
// the same split and standardizer fitted on its training part, the saved weights loaded.
Tensor outputs_in_cpp(const std::string& config, const std::string& out, const std::string& csv,
                      const data::CsvOptions& options, std::vector<std::string> overrides = {}) {
  Experiment fresh(load_config(config, overrides));
  nn::load(fresh.model(), fs::path(out) / "model.safetensors");
  auto [train_part, validation_part] = data::split(data::CsvDataset(csv, options), 0.2, fresh.config().seed);
  const data::Standardizer standardizer = data::Standardizer::fit(*train_part);
  Tensor features = data::CsvDataset(csv, options).all().features;
  standardizer.transform_(features);
  NoGradGuard no_grad;
  fresh.model().eval();
  return fresh.model()(features).data();
}

}  // namespace

TEST(Use, TheRunFolderHoldsThePreprocessing) {
  const std::string out = trained("configs/iris.yaml", "use_preprocessing", {"train.epochs=2"});
  const Preprocessing p = load_preprocessing(fs::path(out) / "preprocessing.safetensors");
  ASSERT_TRUE(p.features.has_value());
  EXPECT_FALSE(p.target.has_value());
  EXPECT_EQ(p.features->mean().shape(), Shape({4}));
  Experiment again(load_config("configs/iris.yaml"));
  EXPECT_EQ(p.features->mean().to_vector(), again.preprocessing().features->mean().to_vector());
  EXPECT_EQ(p.features->std().to_vector(), again.preprocessing().features->std().to_vector());
  // What the model was trained on, so that predict needs no data.
  ASSERT_TRUE(p.trained_on.has_value());
  EXPECT_EQ(p.trained_on->features, Shape({4}));
  EXPECT_EQ(p.trained_on->target, Shape({}));
  EXPECT_EQ(p.trained_on->task, data::Task::Classification);
  EXPECT_EQ(p.trained_on->classes, 3);
  EXPECT_EQ(p.trained_on->feature_names, (std::vector<std::string>{"sepal length (cm)", "sepal width (cm)",
                                                                   "petal length (cm)", "petal width (cm)"}));
}

TEST(Use, PredictMatchesColumnsByNameWhenATableRearrangedThem) {
  const std::string out = trained("configs/iris.yaml", "use_rearranged", {"train.epochs=3"});
  const auto in_order = cli("predict " + out + " --input examples/datasets/iris.csv");
  ASSERT_EQ(in_order.status, 0) << in_order.output;

  // The same rows with the columns in another order, the target first.
  std::istringstream iris(minidl::test::read_file("examples/datasets/iris.csv"));
  std::string rearranged;
  for (std::string line; std::getline(iris, line);) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    rearranged += f[4] + "," + f[3] + "," + f[0] + "," + f[2] + "," + f[1] + "\n";
  }
  const std::string input = scratch("use_rearranged.csv");
  minidl::test::write_file(input, rearranged);
  const auto by_name = cli("predict " + out + " --input " + input);
  ASSERT_EQ(by_name.status, 0) << by_name.output;
  EXPECT_EQ(by_name.output, in_order.output);

  // Evaluating on the rearranged table measures the same model on the same rows.
  const std::string json = scratch("use_rearranged.json"), json_in_order = scratch("use_in_order.json");
  const auto rearranged_metrics = cli("evaluate " + out + " \"data.validation={type: csv, path: " + input + "}\" --json " + json);
  const auto metrics = cli("evaluate " + out + " \"data.validation={type: csv, path: examples/datasets/iris.csv}\" --json " +
                           json_in_order);
  ASSERT_EQ(rearranged_metrics.status, 0) << rearranged_metrics.output;
  ASSERT_EQ(metrics.status, 0) << metrics.output;
  const auto measured = [](const std::string& file) {
    nlohmann::json j = nlohmann::json::parse(minidl::test::read_file(file));
    j.erase("run");
    return j;
  };
  EXPECT_EQ(measured(json), measured(json_in_order));
}

TEST(Use, PredictNeedsTheRunFolderOnlyNotTheTrainingData) {
  // The training data is a copy that is gone by the time the run is used (another machine, or
  // another working directory for a relative path).
  const std::string data = scratch("use_gone.csv");
  fs::copy_file("examples/datasets/iris.csv", data);
  const std::string out = trained("configs/iris.yaml", "use_gone", {"train.epochs=3", "data.train.path=" + data});
  const auto before = cli("predict " + out + " --input examples/datasets/iris.csv");
  ASSERT_EQ(before.status, 0) << before.output;
  fs::remove(data);

  const auto after = cli("predict " + out + " --input examples/datasets/iris.csv");
  ASSERT_EQ(after.status, 0) << after.output;
  EXPECT_EQ(after.output, before.output);
  // Evaluating reads the validation data, which is gone: that is an error naming it.
  const auto evaluated = cli("evaluate " + out);
  EXPECT_EQ(evaluated.status, 2) << evaluated.output;
  EXPECT_NE(evaluated.output.find("use_gone.csv"), std::string::npos) << evaluated.output;
}

TEST(Use, ARunSavedBeforeItsShapesWereRecordedStillPredictsFromItsData) {
  const std::string out = trained("configs/iris.yaml", "use_old_run", {"train.epochs=2"});
  const auto recorded = cli("predict " + out + " --input examples/datasets/iris.csv");
  const fs::path file = fs::path(out) / "preprocessing.safetensors";
  Preprocessing old = load_preprocessing(file);
  old.trained_on.reset();
  save_preprocessing(file, old);
  const auto from_data = cli("predict " + out + " --input examples/datasets/iris.csv");
  ASSERT_EQ(from_data.status, 0) << from_data.output;
  EXPECT_EQ(from_data.output, recorded.output);
}

TEST(Use, ADamagedShapeRecordIsAnIOErrorNamingTheKey) {
  const std::string out = trained("configs/iris.yaml", "use_damaged_shapes", {"train.epochs=1"});
  const fs::path file = fs::path(out) / "preprocessing.safetensors";
  io::StateDict saved = io::load_safetensors(file);
  for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"minidl.features_shape", "4,x"}, {"minidl.task", "clustering"}, {"minidl.classes", "-1"}}) {
    SCOPED_TRACE(key);
    io::StateDict damaged = saved;
    damaged.metadata[key] = value;
    io::save_safetensors(file, damaged);
    const std::string message = minidl::test::error_of<IOError>([&] { load_preprocessing(file); });
    EXPECT_NE(message.find(key), std::string::npos) << message;
  }
}

TEST(Use, ClassificationPredictionsAreTheModelsSoftmaxOnTheSameRows) {
  const std::string out = trained("configs/iris.yaml", "use_iris", {"train.epochs=20"});
  const std::string predictions = scratch("use_iris_predictions.csv");
  const auto r = cli("predict " + out + " --input examples/datasets/iris.csv --output " + predictions);
  ASSERT_EQ(r.status, 0) << r.output;
  std::string header;
  const auto rows = read_rows(minidl::test::read_file(predictions), &header);
  EXPECT_EQ(header, "class,p0,p1,p2");

  const Tensor logits = outputs_in_cpp("configs/iris.yaml", out, "examples/datasets/iris.csv", {}, {"train.epochs=20"});
  const std::vector<float> probabilities = softmax(logits, 1).to_vector();
  const std::vector<int64_t> classes = argmax(logits, 1).to_int64_vector();
  ASSERT_EQ(rows.size(), 150u);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i][0], static_cast<double>(classes[i])) << "row " << i;
    for (size_t c = 0; c < 3; ++c)
      EXPECT_EQ(static_cast<float>(rows[i][c + 1]), probabilities[i * 3 + c]) << "row " << i << " class " << c;
  }
}

TEST(Use, RegressionPredictionsAreInTheTargetsOriginalUnits) {
  const std::vector<std::string> overrides = {"data.transform.standardize_target=true"};
  const std::string out = trained("configs/diabetes.yaml", "use_diabetes", overrides);
  const auto r = cli("predict " + out + " --input examples/datasets/diabetes.csv");
  ASSERT_EQ(r.status, 0) << r.output;
  std::string header;
  const auto rows = read_rows(r.output, &header);
  EXPECT_EQ(header, "target");

  data::CsvOptions options;
  options.task = data::Task::Regression;
  const Tensor standardized = outputs_in_cpp("configs/diabetes.yaml", out, "examples/datasets/diabetes.csv",
                                             options, overrides);
  // The target standardizer, fitted here on the same training part.
  auto [train_part, validation_part] =
      data::split(data::CsvDataset("examples/datasets/diabetes.csv", options), 0.2, 0);
  const Tensor targets = train_part->all().targets;
  const data::Standardizer target = data::Standardizer::fit(data::TensorDataset(targets, targets));
  const float mean = target.mean().to_vector()[0], std = target.std().to_vector()[0];
  const std::vector<float> values = standardized.to_vector();
  ASSERT_EQ(rows.size(), values.size());
  // Within 4 ulps: the compiler may fuse y * std + mean into one rounding in one place only.
  for (size_t i = 0; i < rows.size(); ++i)
    EXPECT_FLOAT_EQ(static_cast<float>(rows[i][0]), values[i] * std + mean) << "row " << i;
  EXPECT_GT(rows[0][0], 25.0);  // diabetes progression is 25..346, not a standardized value
}

TEST(Use, PredictTakesRowsWithoutTheTargetColumn) {
  const std::string out = trained("configs/iris.yaml", "use_no_target", {"train.epochs=2"});
  const std::string input = scratch("use_no_target.csv");
  minidl::test::write_file(input, "a,b,c,d\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
  const auto r = cli("predict " + out + " --input " + input);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(read_rows(r.output).size(), 2u);
}

TEST(Use, PredictNamesTheFileLineAndColumnOfBadInput) {
  const std::string out = trained("configs/iris.yaml", "use_bad_input", {"train.epochs=1"});
  const std::string input = scratch("use_bad_input.csv");
  minidl::test::write_file(input, "a,b,c,d\n5.1,3.5,1.4,0.2\n6.7,x,5.2,2.3\n");
  auto r = cli("predict " + out + " --input " + input);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find(input + ":3:5:"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;

  minidl::test::write_file(input, "a,b,c\n5.1,3.5,1.4\n");
  r = cli("predict " + out + " --input " + input);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find(input + ":1:1: has 3 feature columns, but the model was trained on 4"), std::string::npos)
      << r.output;
}

TEST(Use, PredictRefusesAColumnNamedAsAnotherFeatureThanItsPlaceGives) {
  const std::string out = trained("configs/iris.yaml", "use_moved_column", {"train.epochs=1"});
  const std::string input = scratch("use_moved_column.csv");
  // Petal width lost and the sepal columns swapped: taken in order, each would be read as the other.
  minidl::test::write_file(input,
                           "sepal width (cm),sepal length (cm),petal length (cm),extra\n3.5,5.1,1.4,0\n");
  const auto r = cli("predict " + out + " --input " + input);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find(input + ":1:1: column 'sepal width (cm)'"), std::string::npos) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

TEST(Use, EvaluatePrintsEveryMetricAndWritesThemAsJson) {
  const std::string out = trained("configs/iris.yaml", "use_evaluate", {"train.epochs=20"});
  const auto r = cli("evaluate " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* metric : {"accuracy", "precision", "recall", "f1", "loss"})
    EXPECT_NE(r.output.find(metric), std::string::npos) << metric;
  const auto json = nlohmann::json::parse(minidl::test::read_file(fs::path(out) / "evaluation.json"));
  const auto summary = nlohmann::json::parse(minidl::test::read_file(fs::path(out) / "summary.json"));
  EXPECT_EQ(json["accuracy"], summary["val_accuracy"]);
  EXPECT_EQ(json["loss"], summary["val_loss"]);
  EXPECT_EQ(json["confusion_matrix"], summary["validation"]["confusion_matrix"]);
  int64_t total = 0;
  for (const auto& row : json["confusion_matrix"])
    for (const auto& n : row) total += n.get<int64_t>();
  EXPECT_EQ(total, 30);  // the 20% validation split of 150 rows
}

TEST(Use, RegressionMetricsAreInOriginalUnits) {
  const std::string out = trained("configs/diabetes.yaml", "use_regression", {"data.transform.standardize_target=true"});
  const auto summary = nlohmann::json::parse(minidl::test::read_file(fs::path(out) / "summary.json"));
  const auto& v = summary["validation"];
  EXPECT_LT(v["loss"].get<double>(), 1.0);       // the loss is in standardized units
  EXPECT_GT(v["mse"].get<double>(), 1000.0);     // the MSE in the targets' own units
  EXPECT_DOUBLE_EQ(v["rmse"].get<double>(), std::sqrt(v["mse"].get<double>()));
  EXPECT_GT(v["r2"].get<double>(), 0.3);
  EXPECT_LT(v["r2"].get<double>(), 0.8);
  EXPECT_LT(v["mae"].get<double>(), v["rmse"].get<double>());
}

TEST(Use, StandardizingClassLabelsIsAConfigError) {
  const ConfigError e = config_testing::config_error_from(
      [] { Experiment(load_config("configs/iris.yaml", {{"data.transform.standardize_target=true"}})); });
  // At iris.yaml's `transform: {standardize: true}`, which the override extended.
  config_testing::expect_error_at(e, "configs/iris.yaml", 7, 14, {"standardize_target", "classification"});
}

TEST(Use, ACheckpointServesAsTheWeightsOfARunThatHasNotFinished) {
  const std::string out = trained("configs/iris.yaml", "use_checkpoint_weights", {"train.epochs=3"});
  const std::string finished = scratch("use_finished.json"), from_checkpoint = scratch("use_from_checkpoint.json");
  ASSERT_EQ(cli("evaluate " + out + " --json " + finished).status, 0);
  // As an interrupted run leaves the folder: the checkpoint of its last epoch, no model.safetensors.
  fs::remove(fs::path(out) / "model.safetensors");
  const auto unfinished = cli("evaluate " + out);
  EXPECT_NE(unfinished.status, 0);
  EXPECT_NE(unfinished.output.find("--weights " + (fs::path(out) / "checkpoint.safetensors").string()), std::string::npos)
      << unfinished.output;

  const std::string checkpoint = (fs::path(out) / "checkpoint.safetensors").string();
  const auto r = cli("evaluate " + out + " --weights " + checkpoint + " --json " + from_checkpoint);
  ASSERT_EQ(r.status, 0) << r.output;
  const auto metrics = [](const std::string& file) {
    nlohmann::json j = nlohmann::json::parse(minidl::test::read_file(file));
    j.erase("weights");
    return j;
  };
  EXPECT_EQ(metrics(from_checkpoint), metrics(finished)) << "the last epoch's checkpoint holds the final weights";
  EXPECT_EQ(cli("predict " + out + " --weights " + checkpoint + " --input examples/datasets/iris.csv").status, 0);
}

TEST(Use, NewCommandsRefuseBadInputInOneLine) {
  const std::string out = trained("configs/iris.yaml", "use_refusals", {"train.epochs=1"});
  for (const std::string& args : std::vector<std::string>
       {std::string("evaluate /nonexistent/run"), "evaluate " + out + " --weights /nonexistent.safetensors",
        "predict " + out + " --input /nonexistent.csv", std::string("predict /nonexistent/run --input examples/datasets/iris.csv"),
        "evaluate " + out + " data.validation=~"}) {
    const auto r = cli(args);
    EXPECT_NE(r.status, 0) << args;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << args << ": " << r.output;
    EXPECT_EQ(r.output.rfind("minidl: error: ", 0), 0u) << args << ": " << r.output;
  }
  // A folder where a file belongs is called a folder, and a file of another kind is named so.
  const auto folder = cli("evaluate " + out + " --weights " + out);
  EXPECT_NE(folder.output.find("is a folder"), std::string::npos) << folder.output;
  const auto csv = cli("evaluate " + out + " --weights examples/datasets/iris.csv");
  EXPECT_NE(csv.status, 0);
  EXPECT_NE(csv.output.find("not a safetensors file"), std::string::npos) << csv.output;
}

TEST(Use, EvaluateRefusesValidationLabelsTheModelHasNoClassFor) {
  const std::string out = trained("configs/iris.yaml", "use_unknown_label", {"train.epochs=1"});
  const std::string bad = scratch("use_unknown_label.csv");
  minidl::test::write_file(bad, "sepal length (cm),sepal width (cm),petal length (cm),petal width (cm),target\n"
                                "5.1,3.5,1.4,0.2,7\n");
  const auto r = cli("evaluate " + out + " 'data.validation={type: csv, path: " + bad + "}'");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  for (const std::string& part : {bad + ":2:", std::string("label 7"), std::string("3 classes of the training data")})
    EXPECT_NE(r.output.find(part), std::string::npos) << part << " in: " << r.output;
}

TEST(Use, WeightsOfAnotherModelAreRefusedInOneReadableLine) {
  const std::string iris = trained("configs/iris.yaml", "use_other_weights_iris", {"train.epochs=1"});
  const std::string linreg = trained("configs/linreg.yaml", "use_other_weights_linreg", {"train.epochs=1"});
  const auto r = cli("evaluate " + iris + " --weights " + linreg + "/model.safetensors");
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  // The message's lines become items of one line, not runs of spaces ("Sequential:   missing: ...").
  EXPECT_NE(r.output.find("into Sequential: missing: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("; shape mismatch for \"0.weight\""), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("  "), std::string::npos) << r.output;
}

TEST(Use, AnOutputThatIsAFileTheCommandReadsIsRefusedAndTheFileKept) {
  const std::string out = trained("configs/iris.yaml", "use_output_is_a_source", {"train.epochs=1"});
  const std::string input = scratch("use_output_is_a_source_input.csv");
  fs::copy_file("examples/datasets/iris.csv", input, fs::copy_options::overwrite_existing);
  const std::string link = scratch("use_output_is_a_source_link");
  fs::remove(link);
  fs::create_symlink(fs::absolute(out) / "model.safetensors", link);
  const auto bytes_of = [](const fs::path& file) { return minidl::test::read_file(file); };
  const auto input_before = bytes_of(input), model_before = bytes_of(fs::path(out) / "model.safetensors"),
             config_before = bytes_of(fs::path(out) / "config.yaml");
  struct Case {
    std::string args, option, names;
  };
  for (const Case& c : std::vector<Case>{
           {"predict " + out + " --input " + input + " --output " + input, "--output", "the --input file"},
           {"predict " + out + " --input " + input + " --output " + out + "/model.safetensors", "--output",
            "the run's model.safetensors"},
           {"predict " + out + " --input " + input + " --output " + link, "--output", "the run's model.safetensors"},
           {"evaluate " + out + " --json " + out + "/config.yaml", "--json", "the run's config.yaml"},
           {"evaluate " + out + " --weights " + out + "/model_best.safetensors --json " + out + "/model_best.safetensors",
            "--json", "the --weights file"}}) {
    const auto r = cli(c.args);
    EXPECT_EQ(r.status, 1) << c.args;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << c.args << ": " << r.output;
    EXPECT_NE(r.output.find(c.option), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(c.names), std::string::npos) << r.output;
  }
  EXPECT_EQ(bytes_of(input), input_before);
  EXPECT_EQ(bytes_of(fs::path(out) / "model.safetensors"), model_before);
  EXPECT_EQ(bytes_of(fs::path(out) / "config.yaml"), config_before);
  EXPECT_EQ(cli("evaluate " + out).status, 0) << "the run is intact";
}

TEST(Use, PredictionsThatCannotBeWrittenToStandardOutputAreAnError) {
  const std::string out = trained("configs/iris.yaml", "use_stdout_full", {"train.epochs=1"});
  // A shell group: only the program's stdout goes to the full device, its stderr to the test.
  const auto r = minidl::test::run_program(std::string("{ ") + MINIDL_CLI, "",
                                           "predict " + out + " --input examples/datasets/iris.csv > /dev/full; }");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("minidl: error: cannot write the standard output"), std::string::npos) << r.output;
}

TEST(Use, WeightsHoldingNaNAreRefusedNamingTheFileAndTheTensor) {
  const std::string out = trained("configs/iris.yaml", "use_nan_weights", {"train.epochs=1"});
  minidl::io::StateDict weights = minidl::io::load_safetensors(fs::path(out) / "model.safetensors");
  const std::string bad_name = weights.names().back();
  Tensor bad = weights.at(bad_name).clone();
  bad.data<float>()[0] = std::nanf("");
  minidl::io::StateDict damaged;
  for (const auto& [name, tensor] : weights) damaged.insert(name, name == bad_name ? bad : tensor);
  const std::string file = scratch("use_nan_weights.safetensors");
  minidl::io::save_safetensors(file, damaged);
  for (const std::string& command : {"predict " + out + " --input examples/datasets/iris.csv --weights " + file,
                                     "evaluate " + out + " --weights " + file}) {
    const auto r = cli(command);
    EXPECT_EQ(r.status, 1) << command;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_NE(r.output.find(file), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("'" + bad_name + "' holds nan"), std::string::npos) << r.output;
  }
  // As the weights a run starts from: a config error at the init_from it names.
  const std::string model = "model={layers: [{type: linear, out: 16}, {type: relu}, {type: linear, out: 3}], init_from: " +
                            file + "}";
  const ConfigError e = config_testing::config_error_from([&] { Experiment run(load_config("configs/iris.yaml", std::vector{model})); });
  config_testing::expect_override_error(e, model, {"cannot start from these weights", "'" + bad_name + "' holds nan"});
}

TEST(Use, AConfigAUserWritesRoundTripsFromTrainToPredict) {
  // y = 3a - 2b + 500 in thousands of units: learnable only with standardized targets at this lr.
  const std::string dir = scratch("use_user_config");
  fs::create_directories(dir);
  std::string csv = "a,b,y\n";
  for (int i = 0; i < 200; ++i) {
    const double a = (i % 17) * 0.5, b = (i % 11) * 0.25;
    csv += std::to_string(a) + "," + std::to_string(b) + "," + std::to_string(1000 * (3 * a - 2 * b + 500)) + "\n";
  }
  minidl::test::write_file(fs::path(dir) / "data.csv", csv);
  minidl::test::write_file(fs::path(dir) / "user.yaml",
                           "name: user\n"
                           "data:\n"
                           "  train: {type: csv, path: " + dir + "/data.csv, target: y, task: regression}\n"
                           "  validation: {split: 0.2}\n"
                           "  transform: {standardize: true, standardize_target: true}\n"
                           "model: [{type: linear, out: 1}]\n"
                           "loss: mse\n"
                           "optimizer: {type: adam, lr: 0.05}\n"
                           "train: {epochs: 60, early_stopping: {patience: 10}}\n"
                           "output: " + dir + "/run\n");
  const auto trained_run = cli("train " + dir + "/user.yaml --quiet");
  ASSERT_EQ(trained_run.status, 0) << trained_run.output;
  const auto evaluated = cli("evaluate " + dir + "/run --weights " + dir + "/run/model_best.safetensors");
  ASSERT_EQ(evaluated.status, 0) << evaluated.output;
  const auto json = nlohmann::json::parse(minidl::test::read_file(fs::path(dir) / "run" / "evaluation.json"));
  EXPECT_GT(json["r2"].get<double>(), 0.99) << json.dump();

  minidl::test::write_file(fs::path(dir) / "new.csv", "a,b\n1,1\n4,0.5\n");
  const auto predicted = cli("predict " + dir + "/run --input " + dir + "/new.csv");
  ASSERT_EQ(predicted.status, 0) << predicted.output;
  const auto rows = read_rows(predicted.output);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NEAR(rows[0][0], 1000 * (3 * 1 - 2 * 1 + 500), 1.0);  // float32 resolves 0.03 here
  EXPECT_NEAR(rows[1][0], 1000 * (3 * 4 - 2 * 0.5 + 500), 1.0);
}
