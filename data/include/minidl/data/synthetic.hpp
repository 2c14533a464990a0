#pragma once
// Synthetic data with a known answer: the d2l linear-regression generator and a seeded
// classification problem, both as tensors and as ready-made datasets.
#include <cstdint>
#include <utility>
#include <vector>

#include "minidl/core/generator.hpp"
#include "minidl/data/tensor_dataset.hpp"

namespace minidl::data {

/// d2l's synthetic_data(w, b, num_examples): X ~ N(0, 1) of shape [n, len(w)], then
/// y = Xw + b + N(0, noise²) of shape [n, 1] (d2l's y.reshape((-1, 1))). X is drawn first,
/// then the noise, both from `gen`. Throws ValueError for n <= 0, an empty w or noise < 0.
std::pair<Tensor, Tensor> synthetic_linear(const std::vector<float>& w, float b, int64_t n,
                                           float noise, Generator& gen);

/// A classification problem a linear model can solve exactly: R ~ N(0, 1) of shape
/// [features, classes] is drawn first, then X ~ N(0, 1) [n, features]; the int64 label of a
/// row is argmax(x R) (the first on ties). The same gen state gives the same R for any n.
/// Throws ValueError for n, features <= 0 or classes < 2.
std::pair<Tensor, Tensor> synthetic_classification(int64_t n, int64_t features, int64_t classes,
                                                   Generator& gen);

/// synthetic_linear as a dataset, drawn from Generator(seed).
class SyntheticLinear : public TensorDataset {
 public:
  SyntheticLinear(const std::vector<float>& w, float b, int64_t n, float noise, uint64_t seed);
};

/// synthetic_classification as a dataset, drawn from Generator(seed). Its num_classes() is
/// `classes`, even when the draw left the last classes without a sample.
class SyntheticClassification : public TensorDataset {
 public:
  SyntheticClassification(int64_t n, int64_t features, int64_t classes, uint64_t seed);
};

}  // namespace minidl::data
