#pragma once
// BatchNorm1d and BatchNorm2d: normalisation by batch statistics in training and by running
// statistics in evaluation, with PyTorch's parameters, buffers and state_dict names.
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <tuple>

#include "minidl/core/options.hpp"
#include "minidl/nn/layer_input.hpp"
#include "minidl/nn/module.hpp"

namespace minidl::nn {

struct BatchNormOptions {
  /// Channels (features); taken from the input when unset.
  std::optional<int64_t> num_features{};
  double eps = 1e-5;
  double momentum = 0.1;
  static constexpr auto fields() {
    return std::tuple{option("num_features", &BatchNormOptions::num_features, check::positive_int,
                             "channels; taken from the input when omitted"),
                      option("eps", &BatchNormOptions::eps, check::positive, "added to the variance"),
                      option("momentum", &BatchNormOptions::momentum, check::fraction,
                             "weight of the batch in the running statistics")};
  }
};

/// weight (1) and bias (0) per channel; buffers running_mean (0), running_var (1) and
/// num_batches_tracked (int64). Training normalises with the batch's mean and biased variance
/// and updates the running statistics (with the unbiased variance); evaluation uses them.
class BatchNorm : public Module {
 public:
  using Options = BatchNormOptions;
  Variable forward(const Variable& input) override;
  /// batch_norm with the activation applied as the output is written (see Module).
  Variable forward_activated(const Variable& input, Activation activation, int64_t average_pool) override;
  std::string extra_repr() const override;
  /// 2 for samples of one value per channel ([C]): a batch variance needs two values.
  int64_t min_training_batch(const Shape& sample) const override;
  const Tensor& running_mean() const { return running_mean_; }
  const Tensor& running_var() const { return running_var_; }
  int64_t num_batches_tracked() const;

 protected:
  /// `sample_dims`: the dims of one sample it takes ({1, 2} for BatchNorm1d's [C] or [C, L],
  /// {3} for BatchNorm2d's [C, H, W]).
  BatchNorm(const BatchNormOptions& options, std::string_view type, std::initializer_list<size_t> sample_dims);
  /// Infers num_features from the input's channels (dim 0 of a sample) for a config.
  static void infer_features(BatchNormOptions& options, std::string_view layer,
                             std::initializer_list<size_t> sample_dims, const LayerInput& input);

 private:
  BatchNormOptions options_;
  std::string type_;
  std::vector<size_t> sample_dims_;
  Variable weight_;
  Variable bias_;
  Tensor running_mean_;
  Tensor running_var_;
  Tensor num_batches_tracked_;
};

/// BatchNorm over [N, C] or [N, C, L] (torch.nn.BatchNorm1d).
class BatchNorm1d : public BatchNorm {
 public:
  static constexpr std::string_view doc = "batch normalisation of [C] or [C, L] samples (torch.nn.BatchNorm1d)";
  static std::shared_ptr<BatchNorm1d> build(BatchNormOptions& options, const LayerInput& input);
  explicit BatchNorm1d(const BatchNormOptions& options) : BatchNorm(options, "BatchNorm1d", {1, 2}) {}
  explicit BatchNorm1d(int64_t num_features) : BatchNorm1d(BatchNormOptions{num_features}) {}
};

/// BatchNorm over [N, C, H, W] (torch.nn.BatchNorm2d).
class BatchNorm2d : public BatchNorm {
 public:
  static constexpr std::string_view doc = "batch normalisation of [C, H, W] samples per channel (torch.nn.BatchNorm2d)";
  static std::shared_ptr<BatchNorm2d> build(BatchNormOptions& options, const LayerInput& input);
  explicit BatchNorm2d(const BatchNormOptions& options) : BatchNorm(options, "BatchNorm2d", {3}) {}
  explicit BatchNorm2d(int64_t num_features) : BatchNorm2d(BatchNormOptions{num_features}) {}
};

}  // namespace minidl::nn
