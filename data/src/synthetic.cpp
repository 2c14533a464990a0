#include "minidl/data/synthetic.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "minidl/core/parallel.hpp"

namespace minidl::data {

std::pair<Tensor, Tensor> synthetic_linear(const std::vector<float>& w, float b, int64_t n,
                                           float noise, Generator& gen) {
  if (n <= 0) throw ValueError("synthetic_linear: n must be positive, got " + std::to_string(n));
  if (w.empty()) throw ValueError("synthetic_linear: w must have at least one weight, got 0");
  if (!(noise >= 0.0f)) throw ValueError("synthetic_linear: noise must be >= 0, got " + std::to_string(noise));
  const auto d = static_cast<int64_t>(w.size());
  Tensor X = Tensor::normal({n, d}, 0.0f, 1.0f, gen);
  Tensor y = Tensor::normal({n, 1}, 0.0f, noise, gen);
  const float* x = X.data<float>();
  float* out = y.data<float>();
  for (int64_t i = 0; i < n; ++i) {
    // The order of d2l's float32 ops: (Xw + b) + noise.
    float dot = 0.0f;
    for (int64_t j = 0; j < d; ++j) dot += x[i * d + j] * w[static_cast<size_t>(j)];
    out[i] = (dot + b) + out[i];
  }
  return {std::move(X), std::move(y)};
}

std::pair<Tensor, Tensor> synthetic_classification(int64_t n, int64_t features, int64_t classes,
                                                   Generator& gen) {
  if (n <= 0) throw ValueError("synthetic_classification: n must be positive, got " + std::to_string(n));
  if (features <= 0)
    throw ValueError("synthetic_classification: features must be positive, got " + std::to_string(features));
  if (classes < 2)
    throw ValueError("synthetic_classification: classes must be >= 2, got " + std::to_string(classes));
  const Tensor R = Tensor::normal({features, classes}, 0.0f, 1.0f, gen);
  Tensor X = Tensor::normal({n, features}, 0.0f, 1.0f, gen);
  Tensor labels = Tensor::empty({n}, DType::Int64);
  const float* r = R.data<float>();
  const float* x = X.data<float>();
  int64_t* label = labels.data<int64_t>();
  // Each row's label on its own, so the rows go in parallel with the same bits.
  parallel_for(n, std::max<int64_t>(1, kGrainSize / (features * classes)), [=](int64_t begin, int64_t end) {
    std::vector<float> logits(static_cast<size_t>(classes));
    for (int64_t i = begin; i < end; ++i) {
      std::fill(logits.begin(), logits.end(), 0.0f);
      for (int64_t j = 0; j < features; ++j)
        for (int64_t c = 0; c < classes; ++c)
          logits[static_cast<size_t>(c)] += x[i * features + j] * r[j * classes + c];
      int64_t best = 0;
      for (int64_t c = 1; c < classes; ++c)
        if (logits[static_cast<size_t>(c)] > logits[static_cast<size_t>(best)]) best = c;
      label[i] = best;
    }
  });
  return {std::move(X), std::move(labels)};
}

namespace {
template <class F>
std::pair<Tensor, Tensor> drawn_with_seed(uint64_t seed, F&& draw) {
  Generator gen(seed);
  return draw(gen);
}
}  // namespace

SyntheticLinear::SyntheticLinear(const std::vector<float>& w, float b, int64_t n, float noise,
                                 uint64_t seed)
    : TensorDataset(drawn_with_seed(seed, [&](Generator& gen) { return synthetic_linear(w, b, n, noise, gen); })) {}

SyntheticClassification::SyntheticClassification(int64_t n, int64_t features, int64_t classes,
                                                 uint64_t seed)
    : TensorDataset(drawn_with_seed(
                        seed, [&](Generator& gen) { return synthetic_classification(n, features, classes, gen); }),
                    classes) {}

}  // namespace minidl::data
