#include "minidl/experiment/dataset_registry.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "minidl/data/csv_dataset.hpp"
#include "minidl/data/synthetic.hpp"
#include "minidl/experiment/memory_budget.hpp"

namespace minidl::experiment {

namespace {

uint64_t seed_of(const Options& o, const DatasetContext& ctx) {
  return o.has("seed") ? static_cast<uint64_t>(o.integer("seed")) : ctx.seed;
}

std::shared_ptr<const data::Dataset> make_csv(const Options& o, const DatasetContext&) {
  const std::string& path = o.string("path");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    o.fail("path", "data file '" + path + "' does not exist (relative paths start at the working "
                   "directory, " + std::filesystem::current_path().string() + ")");
  data::CsvOptions options;
  options.target = o.string("target");
  if (o.has("task"))
    options.task = o.string("task") == "classification" ? data::Task::Classification
                                                        : data::Task::Regression;
  return data::share(data::CsvDataset(path, options));
}

// "[n, d]" for messages.
std::string dims(int64_t rows, int64_t columns) { return fmt::format("[{}, {}]", rows, columns); }

// The larger of two sizes is the one to blame for a product too large.
const char* larger(const Options& o, const char* a, const char* b) {
  return o.integer(b) > o.integer(a) ? b : a;
}

std::shared_ptr<const data::Dataset> make_synthetic_linear(const Options& o, const DatasetContext& ctx) {
  const std::vector<double>& w = o.numbers("w");
  if (w.empty()) o.fail("w", "expected at least one weight");
  const int64_t n = o.integer("n"), d = static_cast<int64_t>(w.size());
  require_memory(o, "n", add_bytes(tensor_bytes({n, d}, sizeof(float)), tensor_bytes({n, 1}, sizeof(float))),
                 "features " + dims(n, d) + " and targets " + dims(n, 1) + " (float32)");
  return data::share(data::SyntheticLinear(std::vector<float>(w.begin(), w.end()),
                                           static_cast<float>(o.number("b")), o.integer("n"),
                                           static_cast<float>(o.number("noise")), seed_of(o, ctx)));
}

std::shared_ptr<const data::Dataset> make_synthetic_classification(const Options& o,
                                                                   const DatasetContext& ctx) {
  const int64_t n = o.integer("n"), features = o.integer("features"), classes = o.integer("classes");
  require_memory(o, larger(o, "n", "features"),
                 add_bytes(tensor_bytes({n, features}, sizeof(float)), tensor_bytes({n}, sizeof(int64_t))),
                 fmt::format("features {} (float32) and labels [{}] (int64)", dims(n, features), n));
  require_memory(o, larger(o, "features", "classes"), tensor_bytes({features, classes}, sizeof(float)),
                 "the random projection " + dims(features, classes) + " that draws the labels (float32)");
  return data::share(data::SyntheticClassification(o.integer("n"), o.integer("features"),
                                                   o.integer("classes"), seed_of(o, ctx)));
}

void add_builtins(DatasetRegistry& r) {
  const OptionDecl seed{"seed", OptionKind::Int, {}, "generator seed; the config's seed when omitted",
                        Range::at_least(0), {}, true};
  r.add("csv",
        {"a CSV file with a header row; every column but the target is a feature",
         {{"path", OptionKind::String, {}, "the file (relative to the working directory)"},
          {"target", OptionKind::String, std::string("target"), "name of the target column"},
          {"task", OptionKind::String, {}, "classification or regression; detected from the targets when omitted",
           Range::any(), {"classification", "regression"}, true}}},
        make_csv);
  r.add("synthetic_linear",
        {"d2l's synthetic_data: X ~ N(0, 1), y = Xw + b + N(0, noise^2)",
         {{"w", OptionKind::Numbers, std::vector<double>{2.0, -3.4}, "true weights (one per feature)"},
          {"b", OptionKind::Number, 4.2, "true bias"},
          {"n", OptionKind::Int, int64_t{1000}, "samples", Range::at_least(1)},
          {"noise", OptionKind::Number, 0.01, "standard deviation of the noise", Range::at_least(0)},
          seed}},
        make_synthetic_linear);
  r.add("synthetic_classification",
        {"X ~ N(0, 1); the label of x is argmax(x R) for a random R: linearly separable classes",
         {{"n", OptionKind::Int, int64_t{1000}, "samples", Range::at_least(1)},
          {"features", OptionKind::Int, int64_t{2}, "features per sample", Range::at_least(1)},
          {"classes", OptionKind::Int, int64_t{2}, "number of classes", Range::at_least(2)},
          seed}},
        make_synthetic_classification);
}

}  // namespace

DatasetRegistry& datasets() {
  static DatasetRegistry registry = [] {
    DatasetRegistry r("dataset");
    add_builtins(r);
    return r;
  }();
  return registry;
}

}  // namespace minidl::experiment
