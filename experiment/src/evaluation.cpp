#include "minidl/experiment/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "minidl/autograd/grad_mode.hpp"
#include "minidl/core/reduction.hpp"

namespace minidl::experiment {

namespace {

// Running sums from which the regression metrics follow, accumulated in double.
struct RegressionSums {
  double squared = 0.0, absolute = 0.0, sum_y = 0.0, sum_y2 = 0.0;
  int64_t count = 0;
  void add(const Tensor& predicted, const Tensor& target) {
    const float* p = predicted.data<float>();
    const float* t = target.data<float>();
    for (int64_t i = 0; i < predicted.numel(); ++i) {
      const double d = static_cast<double>(p[i]) - t[i];
      squared += d * d;
      absolute += std::abs(d);
      sum_y += t[i];
      sum_y2 += static_cast<double>(t[i]) * t[i];
    }
    count += predicted.numel();
  }
};

void finish_classification(Evaluation& e) {
  const size_t classes = e.confusion.size();
  int64_t correct = 0;
  double precision = 0.0, recall = 0.0, f1 = 0.0;
  for (size_t c = 0; c < classes; ++c) {
    const int64_t tp = e.confusion[c][c];
    correct += tp;
    int64_t predicted = 0, actual = 0;
    for (size_t k = 0; k < classes; ++k) {
      predicted += e.confusion[k][c];
      actual += e.confusion[c][k];
    }
    const double p = predicted > 0 ? static_cast<double>(tp) / static_cast<double>(predicted) : 0.0;
    const double r = actual > 0 ? static_cast<double>(tp) / static_cast<double>(actual) : 0.0;
    precision += p;
    recall += r;
    f1 += p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
  const auto n = static_cast<double>(classes);
  e.accuracy = e.samples > 0 ? static_cast<double>(correct) / static_cast<double>(e.samples) : 0.0;
  e.precision = precision / n;
  e.recall = recall / n;
  e.f1 = f1 / n;
}

void finish_regression(Evaluation& e, const RegressionSums& s) {
  const auto n = static_cast<double>(s.count);
  e.mse = s.squared / n;
  e.rmse = std::sqrt(e.mse);
  e.mae = s.absolute / n;
  const double total = s.sum_y2 - s.sum_y * s.sum_y / n;  // sum of (y - mean)^2
  e.r2 = total > 0 ? 1.0 - s.squared / total : 0.0;
}

}  // namespace

Evaluation evaluate(Experiment& run, const data::Dataset& dataset) {
  NoGradGuard no_grad;
  run.model().eval();
  // In chunks of samples, so an image test set does not hold every activation at once; a set
  // up to one chunk is one exact batch. 1024, not more: LeNet's first activations for 4096
  // images are 77 MB each, which lifted the peak RSS of a LeNet run from 346 to 553 MiB.
  constexpr int64_t kChunk = 1024;
  const bool summed = run.config().loss.value("reduction") == OptionValue("sum");
  const int64_t n = dataset.size();
  Evaluation e;
  e.classification = run.is_classification();
  e.samples = n;
  if (e.classification) {
    const auto classes = static_cast<size_t>(std::max(run.train_data().num_classes(), dataset.num_classes()));
    e.confusion.assign(classes, std::vector<int64_t>(classes, 0));
  }
  RegressionSums sums;
  double loss = 0.0;
  std::vector<int64_t> indices;
  for (int64_t begin = 0; begin < n; begin += kChunk) {
    const int64_t end = std::min(n, begin + kChunk);
    indices.resize(static_cast<size_t>(end - begin));
    std::iota(indices.begin(), indices.end(), begin);
    const data::Batch batch = begin == 0 && end == n ? dataset.all() : dataset.get(indices);
    const Variable output = run.model()(batch.features);
    const double chunk_loss = run.loss()(output, batch.targets).item();
    loss += summed || (begin == 0 && end == n) ? chunk_loss : chunk_loss * static_cast<double>(end - begin);
    if (e.classification) {
      const std::vector<int64_t> predicted = argmax(output.data(), 1).to_int64_vector();
      const std::vector<int64_t> target = batch.targets.to_int64_vector();
      const auto classes = static_cast<int64_t>(e.confusion.size());
      for (size_t i = 0; i < predicted.size(); ++i)
        if (target[i] < classes && predicted[i] < classes) ++e.confusion[target[i]][predicted[i]];
    } else {
      const Preprocessing& p = run.preprocessing();
      sums.add(p.original_units(output.data()), p.original_units(batch.targets));
    }
  }
  e.loss = summed || n <= kChunk ? loss : loss / static_cast<double>(n);
  if (e.classification) {
    finish_classification(e);
  } else {
    finish_regression(e, sums);
  }
  run.model().train();
  return e;
}

std::vector<std::pair<std::string, double>> scalar_metrics(const Evaluation& e) {
  if (e.classification)
    return {{"loss", e.loss}, {"accuracy", e.accuracy}, {"precision", e.precision}, {"recall", e.recall}, {"f1", e.f1}};
  return {{"loss", e.loss}, {"mse", e.mse}, {"rmse", e.rmse}, {"mae", e.mae}, {"r2", e.r2}};
}

}  // namespace minidl::experiment
