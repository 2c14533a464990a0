#include "minidl/experiment/data_builder.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

#include "minidl/core/number_text.hpp"
#include "minidl/data/feature_order.hpp"
#include "minidl/data/split.hpp"
#include "minidl/data/scaled.hpp"
#include "minidl/experiment/dataset_registry.hpp"

namespace minidl::experiment {

namespace {

std::shared_ptr<const data::Dataset> load(const ComponentConfig& source, uint64_t seed) {
  return source.build([&] { return datasets().find(source.type).make(source.map(), DatasetContext{seed}); });
}

std::shared_ptr<const data::Dataset> scaled(std::shared_ptr<const data::Dataset> dataset, double scale) {
  if (scale == 1.0) return dataset;
  return std::make_shared<const data::ScaledDataset>(std::move(dataset), static_cast<float>(scale));
}

// The first sample whose class label is `classes` or more, and that label.
std::optional<std::pair<int64_t, int64_t>> first_label_from(const data::Dataset& dataset, int64_t classes) {
  std::optional<std::pair<int64_t, int64_t>> found;
  data::visit_targets(dataset, [&](int64_t first, const Tensor& targets) {
    const std::vector<int64_t> labels = targets.to_int64_vector();
    const auto beyond = std::find_if(labels.begin(), labels.end(), [&](int64_t label) { return label >= classes; });
    if (beyond != labels.end()) found = std::pair(first + (beyond - labels.begin()), *beyond);
    return !found;
  });
  return found;
}

// A validation label the model has no output for: the loss would fail on it after the first
// epoch had trained, with no word of where the label is.
void check_labels_known(const data::Dataset& train, const data::Dataset& validation, const Location& where) {
  const int64_t classes = train.num_classes();
  if (train.task() != data::Task::Classification || validation.num_classes() <= classes) return;
  const std::optional<std::pair<int64_t, int64_t>> found = first_label_from(validation, classes);
  if (!found) return;  // a larger declared class count, but every label within the training data's
  const auto [index, label] = *found;
  const std::string origin = validation.sample_origin(index);
  throw ConfigError(where, "data.validation: " + (origin.empty() ? "sample " + std::to_string(index) : origin) +
                               ": class label " + std::to_string(label) + " is outside the " + std::to_string(classes) +
                               " classes of the training data (0 to " + std::to_string(classes - 1) + ")");
}

void check_compatible(const data::Dataset& train, const data::Dataset& validation, const Location& where) {
  if (!(train.feature_shape() == validation.feature_shape()))
    throw ConfigError(where, "validation samples have features " + to_string(validation.feature_shape()) +
                                 " but training samples have " + to_string(train.feature_shape()));
  if (train.task() != validation.task())
    throw ConfigError(where, std::string("validation data is ") + data::task_name(validation.task()) +
                                 " but training data is " + data::task_name(train.task()));
  check_labels_known(train, validation, where);
}

}  // namespace

RunData build_data(const DataConfig& config, uint64_t seed, const Preprocessing* saved) {
  RunData out;
  out.train = scaled(load(config.train, seed), config.transform.scale);
  if (config.validation) {
    // Checked as loaded, so that an error can name where in its source a sample is.
    const std::shared_ptr<const data::Dataset> validation = load(*config.validation, seed);
    check_compatible(*out.train, *validation, config.validation->where);
    out.validation = scaled(validation, config.transform.scale);
    try {
      out.validation = data::in_feature_order(out.validation, out.train->feature_names());
    } catch (const ValueError& error) {
      throw ConfigError(config.validation_where, std::string("validation data: ") + error.what());
    }
  } else if (config.validation_split > 0) {
    const int64_t n = out.train->size();
    if (data::validation_size(config.validation_split, n) >= n) {
      // The largest fraction of four decimals that leaves a sample to train on, if one does.
      const double most = std::floor(static_cast<double>(n - 1) / static_cast<double>(n) * 1e4) / 1e4;
      const bool some = most > 0 && data::validation_size(most, n) < n;
      throw ConfigError(config.validation_where, "data.validation.split: " + format_number(config.validation_split) +
                                                     " of the " + std::to_string(n) + " samples leaves none to train on" +
                                                     (some ? " (at most " + format_number(most) + " leaves one)" : ""));
    }
    auto [train, validation] = data::split(out.train, config.validation_split, seed);
    out.train = train;
    out.validation = validation;
  }
  out.preprocessing = saved ? *saved : Preprocessing::fit(config.transform, *out.train, config.transform_where);
  out.train = out.preprocessing.apply(out.train);
  if (out.validation) out.validation = out.preprocessing.apply(out.validation);
  // Checked here, where the training part's size is known: otherwise every epoch is empty.
  if (config.drop_last && config.batch_size > out.train->size())
    throw ConfigError(config.drop_last_where,
                      "drop_last: true drops every batch: batch_size " + std::to_string(config.batch_size) +
                          " is more than the " + std::to_string(out.train->size()) + " training samples" +
                          (config.validation_split > 0 ? " left after the validation split" : ""));
  return out;
}

}  // namespace minidl::experiment
