#pragma once
// Feature columns matched by name: a table whose columns were rearranged (another export of the
// same data) still gives each feature where the model expects it, instead of a silent mix-up.
#include <memory>
#include <string>
#include <vector>

#include "minidl/data/dataset.hpp"

namespace minidl::data {

/// `dataset` with its features in the order of `names`, when its own feature names are those
/// names in another order; otherwise `dataset` itself: without names (either side), in the same
/// order already, or with other names (whose columns are then taken in order, as given).
/// Throws ValueError when taking them in order would read a column named as one of `names` as
/// another of them (a table that lost or renamed a column and moved the others).
std::shared_ptr<const Dataset> in_feature_order(std::shared_ptr<const Dataset> dataset,
                                                const std::vector<std::string>& names);

}  // namespace minidl::data
