#include "minidl/experiment/trained_run.hpp"

#include <fmt/format.h>

#include <cmath>

#include "finite_weights.hpp"
#include "minidl/autograd/grad_mode.hpp"
#include "minidl/core/reduction.hpp"
#include "minidl/data/csv_dataset.hpp"
#include "minidl/data/feature_order.hpp"
#include "minidl/experiment/checkpoint.hpp"
#include "minidl/experiment/preprocessing.hpp"
#include "minidl/experiment/run_folder.hpp"
#include "minidl/io/safetensors.hpp"

namespace minidl::experiment {

namespace fs = std::filesystem;

namespace {

// A run file that must exist, named with what is missing.
fs::path require(const fs::path& file, const std::string& what) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw IOError("'" + file.string() + "' is a folder, not a file: " + what);
  if (!fs::is_regular_file(file, ec)) throw IOError("'" + file.string() + "' does not exist: " + what);
  return file;
}

// The training CSV's target column name, so an input file may carry it (or not).
std::string target_column(const Config& config) {
  const std::optional<OptionValue> name = config.data.train.value("target");
  if (config.data.train.type == "csv" && name && name->is_string()) return std::get<std::string>(name->get());
  return "target";
}

// The training data as predict knows it from the run's record: its shapes and task, no samples.
class RecordedShapes : public data::Dataset {
 public:
  explicit RecordedShapes(TrainedShapes shapes) : shapes_(std::move(shapes)) {}
  int64_t size() const override { return 0; }
  Shape feature_shape() const override { return shapes_.features; }
  Shape target_shape() const override { return shapes_.target; }
  data::Task task() const override { return shapes_.task; }
  int64_t num_classes() const override { return shapes_.classes; }
  std::vector<std::string> feature_names() const override { return shapes_.feature_names; }
  void get_batch(std::span<const int64_t> indices, Tensor&, Tensor&) const override {
    if (!indices.empty()) throw IndexError("a trained run's recorded shapes hold no samples");
  }

 private:
  TrainedShapes shapes_;
};

}  // namespace

TrainedRun::TrainedRun(const fs::path& dir, std::span<const std::string> overrides, const fs::path& weights,
                       RunUse use)
    : dir_(dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw IOError("run folder '" + dir.string() + "' does not exist");
  const RunFiles files(dir);
  const fs::path config = require(files.config(), "not a minidl run folder");
  const Preprocessing preprocessing = load_preprocessing(
      require(files.preprocessing(), "the run was trained by a minidl without saved preprocessing"));
  Config resolved = load_config(config.string(), overrides);
  if (use == RunUse::Predict && preprocessing.trained_on) {
    const auto shapes = std::make_shared<const RecordedShapes>(*preprocessing.trained_on);
    const bool validates = resolved.data.validation || resolved.data.validation_split > 0;
    run_ = std::make_unique<Experiment>(std::move(resolved), RunData{shapes, validates ? shapes : nullptr, preprocessing});
  } else {
    run_ = std::make_unique<Experiment>(std::move(resolved), &preprocessing);
  }
  const std::string unfinished =
      "the run has not finished (use its last checkpoint: --weights " + files.checkpoint().string() + ")";
  const fs::path file = weights.empty() ? require(files.model(), unfinished)
                                        : require(weights, "expected a weights file (.safetensors)");
  // A checkpoint holds the model beside the optimizer: its weights serve too (an interrupted
  // run has no model.safetensors yet).
  io::StateDict contents = io::load_safetensors(file);
  if (is_checkpoint(contents)) {
    load_checkpoint_model(parse_checkpoint(std::move(contents), file), run_->model());
  } else {
    try {
      run_->model().load_state_dict(contents, /*strict=*/true);
    } catch (const ValueError& e) {
      throw ValueError(file.string() + ": " + e.what());
    }
  }
  require_finite_weights(run_->model(), file);
  run_->model().eval();
}

Evaluation TrainedRun::evaluate() {
  const data::Dataset* validation = run_->validation_data();
  if (!validation)
    throw ConfigError(Location{run_->config().file},
                      "evaluate: the run has no validation data; give some, e.g. data.validation={split: 0.2} "
                      "or data.validation={type: csv, path: test.csv}");
  return experiment::evaluate(*run_, *validation);
}

Predictions predict(TrainedRun& run, const std::string& input) {
  Experiment& e = run.experiment();
  data::CsvOptions options;
  options.target = target_column(e.config());
  options.task = e.train_data().task();
  options.target_optional = true;
  const data::CsvDataset file(input, options);
  const int64_t expected = e.train_data().feature_shape().numel();
  if (file.feature_shape().numel() != expected)
    throw IOError(input + ":1:1: has " + std::to_string(file.feature_shape().numel()) +
                  " feature columns, but the model was trained on " + std::to_string(expected) +
                  (file.target_name().empty() ? " (and the target column '" + options.target + "' is absent)" : ""));
  std::shared_ptr<const data::Dataset> rows;
  try {
    rows = data::in_feature_order(data::share(file), e.train_data().feature_names());
  } catch (const ValueError& error) {
    throw IOError(input + ":1:1: " + error.what());
  }
  NoGradGuard no_grad;
  e.model().eval();
  // A row of an image run holds its pixels in order: shape them as the model's samples.
  Shape samples = e.train_data().feature_shape();
  samples.insert(0, rows->size());
  const Tensor raw = rows->all().features.reshape(samples);
  const Tensor output = e.model()(e.preprocessing().model_input(raw)).data();
  Predictions p;
  p.classification = e.is_classification();
  if (p.classification) {
    p.values = softmax(output, 1);
    p.classes = argmax(output, 1);
  } else {
    p.values = e.preprocessing().original_units(output);
    p.target_name = options.target;
  }
  return p;
}

std::string predictions_csv(const Predictions& p) {
  const Tensor values = p.values.contiguous();
  const int64_t n = values.size(0);
  const int64_t width = values.numel() / std::max<int64_t>(n, 1);
  std::string out;
  if (p.classification) {
    out = "class";
    for (int64_t c = 0; c < width; ++c) out += ",p" + std::to_string(c);
  } else {
    out = p.target_name;
    for (int64_t k = 1; k < width; ++k) out += "," + p.target_name + "_" + std::to_string(k);
  }
  out += "\n";
  const float* v = values.data<float>();
  const std::vector<int64_t> classes = p.classification ? p.classes.to_int64_vector() : std::vector<int64_t>{};
  for (int64_t i = 0; i < n; ++i) {
    std::string row = p.classification ? std::to_string(classes[static_cast<size_t>(i)]) + "," : "";
    // float32's shortest text that reads back to the same float.
    for (int64_t k = 0; k < width; ++k) row += fmt::format("{}{}", k ? "," : "", v[i * width + k]);
    out += row + "\n";
  }
  return out;
}

}  // namespace minidl::experiment
