#include "minidl/data/subset.hpp"

#include <string>

namespace minidl::data {

Subset::Subset(std::shared_ptr<const Dataset> dataset, std::vector<int64_t> indices)
    : dataset_(std::move(dataset)), indices_(std::move(indices)) {
  if (!dataset_) throw ValueError("Subset: the dataset is null");
  if (indices_.empty()) throw ValueError("Subset: the subset is empty (0 indices)");
  const int64_t n = dataset_->size();
  for (size_t i = 0; i < indices_.size(); ++i)
    if (indices_[i] < 0 || indices_[i] >= n)
      throw IndexError("Subset: index " + std::to_string(indices_[i]) + " at position " + std::to_string(i) +
                       " is out of range for a dataset of size " + std::to_string(n));
}

void Subset::get_batch(std::span<const int64_t> indices, Tensor& features, Tensor& targets) const {
  std::vector<int64_t> mapped(indices.size());
  const int64_t n = size();
  for (size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] < 0 || indices[i] >= n)
      throw IndexError("Subset::get_batch: index " + std::to_string(indices[i]) + " at position " +
                       std::to_string(i) + " is out of range for a subset of size " + std::to_string(n));
    mapped[i] = indices_[static_cast<size_t>(indices[i])];
  }
  dataset_->get_batch(mapped, features, targets);
}

}  // namespace minidl::data
