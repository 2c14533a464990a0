#include "minidl/data/feature_order.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "minidl/core/error.hpp"

namespace minidl::data {

namespace {

// A view of a dataset with flat features [F] whose feature j is the dataset's column columns[j].
class ReorderedFeatures : public Dataset {
 public:
  ReorderedFeatures(std::shared_ptr<const Dataset> dataset, std::vector<int64_t> columns,
                    std::vector<std::string> names)
      : dataset_(std::move(dataset)), columns_(std::move(columns)), names_(std::move(names)) {}
  int64_t size() const override { return dataset_->size(); }
  Shape feature_shape() const override { return dataset_->feature_shape(); }
  Shape target_shape() const override { return dataset_->target_shape(); }
  Task task() const override { return dataset_->task(); }
  int64_t num_classes() const override { return dataset_->num_classes(); }
  std::vector<std::string> feature_names() const override { return names_; }
  void get_batch(std::span<const int64_t> indices, Tensor& features, Tensor& targets) const override {
    detail::check_batch_buffers(*this, static_cast<int64_t>(indices.size()), features, targets, "ReorderedFeatures");
    Tensor given = Tensor::empty(features.shape());
    dataset_->get_batch(indices, given, targets);
    const auto width = static_cast<int64_t>(columns_.size());
    const float* from = given.data<float>();
    float* to = features.data<float>();
    for (size_t row = 0; row < indices.size(); ++row, from += width, to += width)
      for (int64_t j = 0; j < width; ++j) to[j] = from[columns_[static_cast<size_t>(j)]];
  }

 private:
  std::shared_ptr<const Dataset> dataset_;
  std::vector<int64_t> columns_;
  std::vector<std::string> names_;
};

// Columns that are not all the trained names are taken in order; a column that bears one
// trained feature's name must then be that feature, or the model would read it as another.
void check_no_column_takes_another_place(const std::vector<std::string>& given, const std::vector<std::string>& names) {
  for (size_t i = 0; i < given.size(); ++i) {
    const auto trained = std::find(names.begin(), names.end(), given[i]);
    if (trained == names.end() || trained == names.begin() + static_cast<std::ptrdiff_t>(i)) continue;
    std::string all;
    for (const std::string& name : names) all += (all.empty() ? "" : ", ") + name;
    throw ValueError("column '" + given[i] + "' is feature " + std::to_string(i + 1) + " here but feature " +
                     std::to_string(trained - names.begin() + 1) + " in training, and the training columns (" + all +
                     ") are not all here to match by name: give all of them, or other names to take the columns in order");
  }
}

}  // namespace

std::shared_ptr<const Dataset> in_feature_order(std::shared_ptr<const Dataset> dataset,
                                                const std::vector<std::string>& names) {
  const std::vector<std::string> given = dataset->feature_names();
  if (names.empty() || given.size() != names.size() || given == names || dataset->feature_shape().size() != 1)
    return dataset;
  std::unordered_map<std::string_view, int64_t> position;
  for (size_t i = 0; i < given.size(); ++i) position.emplace(given[i], static_cast<int64_t>(i));
  std::vector<int64_t> columns;
  for (const std::string& name : names) {
    const auto it = position.find(name);
    if (it == position.end()) {
      check_no_column_takes_another_place(given, names);
      return dataset;
    }
    columns.push_back(it->second);
  }
  return std::make_shared<const ReorderedFeatures>(std::move(dataset), std::move(columns), names);
}

}  // namespace minidl::data
