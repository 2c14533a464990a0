// Gradient clipping as torch.nn.utils.clip_grad_norm_ / clip_grad_value_.
#include "minidl/optim/clip_grad.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "minidl/core/elementwise.hpp"
#include "minidl/core/parallel.hpp"

namespace minidl::optim {
namespace {

std::vector<Variable> with_grads(Tensor g1, Tensor g2) {
  Variable a(Tensor::zeros(g1.shape()), true), b(Tensor::zeros(g2.shape()), true);
  a.set_grad(std::move(g1));
  b.set_grad(std::move(g2));
  return {a, b};
}

TEST(ClipGradNorm, TheNormIsOverAllGradientsTogether) {
  auto params = with_grads(Tensor::from({3.0f, 4.0f}), Tensor::from({12.0f}));
  EXPECT_EQ(clip_grad_norm_(params, 6.5), 13.0f);
  const float coef = 6.5f / (13.0f + 1e-6f);
  EXPECT_TRUE(allclose(params[0].grad(), Tensor::from({3.0f * coef, 4.0f * coef}), 1e-6f));
  EXPECT_TRUE(allclose(params[1].grad(), Tensor::from({12.0f * coef}), 1e-6f));
}

TEST(ClipGradNorm, GradientsBelowTheLimitStayAsTheyAre) {
  auto params = with_grads(Tensor::from({3.0f, 4.0f}), Tensor::from({12.0f}));
  EXPECT_EQ(clip_grad_norm_(params, 100.0), 13.0f);
  EXPECT_TRUE(equal(params[0].grad(), Tensor::from({3.0f, 4.0f})));
}

TEST(ClipGradNorm, InfinityNormIsTheLargestMagnitude) {
  auto params = with_grads(Tensor::from({3.0f, -14.0f}), Tensor::from({12.0f}));
  EXPECT_EQ(clip_grad_norm_(params, 7.0, kInfNorm), 14.0f);
  EXPECT_NEAR(params[0].grad().at({1}), -7.0f, 1e-5f);
}

TEST(ClipGradNorm, ParametersWithoutGradientsAreIgnored) {
  auto params = with_grads(Tensor::from({3.0f, 4.0f}), Tensor::from({12.0f}));
  params[1].set_grad(Tensor());
  EXPECT_EQ(clip_grad_norm_(params, 1.0), 5.0f);
}

TEST(ClipGradNorm, LargeGradientsHaveTheExactNormOfEveryNormTypeForAnyThreadCount) {
  // Over two chunks of the parallel sum and a length that is not a multiple of its lanes.
  const int64_t n = 100003;
  const int threads_before = get_num_threads();
  std::vector<float> values(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) values[static_cast<size_t>(i)] = static_cast<float>((i * 7919) % 201 - 100) / 64.0f;
  for (const double norm_type : {1.0, 2.0, 3.0, kInfNorm}) {
    long double reference = 0.0L;
    for (float v : values)
      reference = std::isinf(norm_type) ? std::max(reference, std::fabs(static_cast<long double>(v)))
                                        : reference + std::pow(std::fabs(static_cast<long double>(v)), norm_type);
    if (!std::isinf(norm_type)) reference = std::pow(reference, 1.0L / norm_type);
    float norms[2];
    for (int threads : {1, 2}) {
      set_num_threads(threads);
      auto params = with_grads(Tensor::from(values, {n}), Tensor::from({0.0f}));
      norms[threads - 1] = clip_grad_norm_(params, 1e9, norm_type);
    }
    EXPECT_FLOAT_EQ(norms[0], static_cast<float>(reference)) << "norm_type " << norm_type;
    EXPECT_EQ(norms[0], norms[1]) << "norm_type " << norm_type;
  }
  set_num_threads(threads_before);
}

TEST(ClipGradValue, ClampsEveryElement) {
  auto params = with_grads(Tensor::from({3.0f, -4.0f}), Tensor::from({0.5f}));
  clip_grad_value_(params, 1.0);
  EXPECT_TRUE(equal(params[0].grad(), Tensor::from({1.0f, -1.0f})));
  EXPECT_TRUE(equal(params[1].grad(), Tensor::from({0.5f})));
  EXPECT_THROW(clip_grad_value_(params, -1.0), ValueError);
}

}  // namespace
}  // namespace minidl::optim
