// The built-in data sources: each one options struct and one function making the dataset.
#include "minidl/experiment/dataset_registry.hpp"

#include <filesystem>
#include <optional>
#include <string_view>
#include <tuple>
#include <vector>

#include "data_file.hpp"
#include "image_datasets.hpp"
#include "minidl/core/memory_budget.hpp"
#include "minidl/data/csv_dataset.hpp"
#include "minidl/data/synthetic.hpp"

namespace minidl::experiment {

namespace {

inline constexpr std::string_view kTasks[] = {"classification", "regression"};

struct CsvSourceOptions {
  std::string path;
  std::string target = "target";
  std::optional<std::string> task;
  static constexpr auto fields() {
    return std::tuple{
        option("path", &CsvSourceOptions::path, check::not_empty, "the file (relative to the working directory)")
            .required(),
        option("target", &CsvSourceOptions::target, check::not_empty, "name of the target column"),
        option("task", &CsvSourceOptions::task, check::one_of(kTasks),
               "classification or regression; detected from the targets when omitted (integer labels are classes)")};
  }
};

inline constexpr Check<std::vector<double>> kSomeWeights{[](const std::vector<double>& w) { return !w.empty(); },
                                                         "at least one weight"};

struct SyntheticLinearOptions {
  std::vector<double> w{2.0, -3.4};
  double b = 4.2;
  int64_t n = 1000;
  double noise = 0.01;
  std::optional<int64_t> seed;
  static constexpr auto fields() {
    return std::tuple{option("w", &SyntheticLinearOptions::w, kSomeWeights, "true weights (one per feature)"),
                      option("b", &SyntheticLinearOptions::b, check::any, "true bias"),
                      option("n", &SyntheticLinearOptions::n, check::positive_int, "samples"),
                      option("noise", &SyntheticLinearOptions::noise, check::non_negative,
                             "standard deviation of the noise"),
                      option("seed", &SyntheticLinearOptions::seed, check::non_negative_int,
                             "generator seed; the config's seed when omitted")};
  }
};

inline constexpr Check<int64_t> kSomeClasses{[](const int64_t& c) { return c >= 2; }, ">= 2"};

struct SyntheticClassificationOptions {
  int64_t n = 1000;
  int64_t features = 2;
  int64_t classes = 2;
  std::optional<int64_t> seed;
  static constexpr auto fields() {
    return std::tuple{option("n", &SyntheticClassificationOptions::n, check::positive_int, "samples"),
                      option("features", &SyntheticClassificationOptions::features, check::positive_int,
                             "features per sample"),
                      option("classes", &SyntheticClassificationOptions::classes, kSomeClasses, "number of classes"),
                      option("seed", &SyntheticClassificationOptions::seed, check::non_negative_int,
                             "generator seed; the config's seed when omitted")};
  }
};

std::shared_ptr<const data::Dataset> load_csv(const CsvSourceOptions& o, const DatasetContext&) {
  require_data_file("csv", "path", o.path);
  data::CsvOptions options;
  options.target = o.target;
  if (o.task) options.task = *o.task == "classification" ? data::Task::Classification : data::Task::Regression;
  return data::share(data::CsvDataset(o.path, options));
}

// "[n, d]" for messages.
std::string dims(int64_t rows, int64_t columns) { return to_string(Shape{rows, columns}); }

// A product too large is blamed on the larger of its two sizes.
void require_memory_of(std::string_view source, std::string_view a, int64_t a_value, std::string_view b,
                       int64_t b_value, std::optional<uint64_t> bytes, const std::string& what) {
  const bool b_larger = b_value > a_value;
  require_memory(source, b_larger ? b : a, std::to_string(b_larger ? b_value : a_value), bytes, what);
}

std::shared_ptr<const data::Dataset> load_synthetic_linear(const SyntheticLinearOptions& o,
                                                           const DatasetContext& ctx) {
  const int64_t n = o.n, d = static_cast<int64_t>(o.w.size());
  require_memory("synthetic_linear", "n", std::to_string(n),
                 add_bytes(tensor_bytes({n, d}, sizeof(float)), tensor_bytes({n, 1}, sizeof(float))),
                 "features " + dims(n, d) + " and targets " + dims(n, 1) + " (float32)");
  return data::share(data::SyntheticLinear(std::vector<float>(o.w.begin(), o.w.end()), static_cast<float>(o.b), n,
                                           static_cast<float>(o.noise),
                                           o.seed ? static_cast<uint64_t>(*o.seed) : ctx.seed));
}

std::shared_ptr<const data::Dataset> load_synthetic_classification(const SyntheticClassificationOptions& o,
                                                                   const DatasetContext& ctx) {
  const int64_t n = o.n, features = o.features, classes = o.classes;
  require_memory_of("synthetic_classification", "n", n, "features", features,
                    add_bytes(tensor_bytes({n, features}, sizeof(float)), tensor_bytes({n}, sizeof(int64_t))),
                    "features " + dims(n, features) + " (float32) and labels [" + std::to_string(n) + "] (int64)");
  require_memory_of("synthetic_classification", "features", features, "classes", classes,
                    tensor_bytes({features, classes}, sizeof(float)),
                    "the random projection " + dims(features, classes) + " that draws the labels (float32)");
  return data::share(data::SyntheticClassification(n, features, classes,
                                                   o.seed ? static_cast<uint64_t>(*o.seed) : ctx.seed));
}

void add_builtins(Registry<DatasetEntry>& r) {
  r.add(dataset_entry<CsvSourceOptions>(
      "csv", "a CSV file with a header row; every column but the target is a feature", load_csv));
  r.add(dataset_entry<SyntheticLinearOptions>(
      "synthetic_linear", "d2l's synthetic_data: X ~ N(0, 1), y = Xw + b + N(0, noise^2)", load_synthetic_linear));
  r.add(dataset_entry<SyntheticClassificationOptions>(
      "synthetic_classification",
      "X ~ N(0, 1); the label of x is argmax(x R) for a random R: linearly separable classes",
      load_synthetic_classification));
  r.add(dataset_entry<FashionMnistOptions>(
      "fashion_mnist", "Fashion-MNIST: 28x28 grey images [1, 28, 28] in [0, 1] of 10 kinds of clothing",
      load_fashion_mnist));
  r.add(dataset_entry<IdxSourceOptions>("idx", "MNIST-format images [1, H, W] in [0, 1] and labels", load_idx));
}

}  // namespace

Registry<DatasetEntry>& datasets() {
  static Registry<DatasetEntry> registry("dataset");
  [[maybe_unused]] static const bool builtins = (add_builtins(registry), true);
  return registry;
}

}  // namespace minidl::experiment
