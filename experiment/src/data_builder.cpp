#include "minidl/experiment/data_builder.hpp"

#include <cmath>

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

void check_compatible(const data::Dataset& train, const data::Dataset& validation, const Location& where) {
  if (!(train.feature_shape() == validation.feature_shape()))
    throw ConfigError(where, "validation samples have features " + to_string(validation.feature_shape()) +
                                 " but training samples have " + to_string(train.feature_shape()));
  if (train.task() != validation.task())
    throw ConfigError(where, std::string("validation data is ") + data::task_name(validation.task()) +
                                 " but training data is " + data::task_name(train.task()));
}

}  // namespace

RunData build_data(const DataConfig& config, uint64_t seed, const Preprocessing* saved) {
  RunData out;
  out.train = scaled(load(config.train, seed), config.transform.scale);
  if (config.validation) {
    out.validation = scaled(load(*config.validation, seed), config.transform.scale);
    check_compatible(*out.train, *out.validation, config.validation->where);
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
