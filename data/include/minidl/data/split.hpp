#pragma once
// split: a seeded, random train/validation split of a dataset.
#include <cstdint>
#include <memory>

#include "minidl/data/subset.hpp"

namespace minidl::data {

/// The two parts of a split; `auto [train, validation] = split(...)` works.
struct Split {
  std::shared_ptr<const Subset> train;
  std::shared_ptr<const Subset> validation;
};

/// The validation part's size that split() takes from `size` samples:
/// ceil(validation_fraction * size).
int64_t validation_size(double validation_fraction, int64_t size);

/// Shuffles the indices with Generator(seed) and puts ceil(validation_fraction * size) of them
/// in `validation` (like scikit-learn's train_test_split(test_size=...)), the rest in `train`.
/// Throws ValueError unless 0 < validation_fraction < 1 and both parts get a sample.
Split split(std::shared_ptr<const Dataset> dataset, double validation_fraction, uint64_t seed);

/// The same for a concrete dataset, which is moved (or copied) into shared ownership.
template <class D>
  requires std::derived_from<std::remove_cvref_t<D>, Dataset>
Split split(D&& dataset, double validation_fraction, uint64_t seed) {
  return split(share(std::forward<D>(dataset)), validation_fraction, seed);
}

}  // namespace minidl::data
