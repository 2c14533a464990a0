// Gradient clipping as torch.nn.utils.clip_grad_norm_ / clip_grad_value_.
#include "minidl/optim/clip_grad.hpp"

#include <gtest/gtest.h>

#include "minidl/core/elementwise.hpp"

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

TEST(ClipGradValue, ClampsEveryElement) {
  auto params = with_grads(Tensor::from({3.0f, -4.0f}), Tensor::from({0.5f}));
  clip_grad_value_(params, 1.0);
  EXPECT_TRUE(equal(params[0].grad(), Tensor::from({1.0f, -1.0f})));
  EXPECT_TRUE(equal(params[1].grad(), Tensor::from({0.5f})));
  EXPECT_THROW(clip_grad_value_(params, -1.0), ValueError);
}

}  // namespace
}  // namespace minidl::optim
