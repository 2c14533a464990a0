// The custom-optimizer example (examples/custom_optimizer/lion.hpp) works like a built-in.
#include "lion.hpp"

#include <gtest/gtest.h>

namespace minidl::optim {
namespace {

TEST(CustomOptimizer, LionIsAvailableByNameAfterOneRegistration) {
  register_optimizer<Lion>("lion");
  Variable w(Tensor::from({1.0f, -1.0f}), true);
  auto lion = make("lion", {w}, {{"lr", 0.1}, {"weight_decay", 0.5}});
  EXPECT_EQ(lion->to_string(), "Lion(lr=0.1, betas=(0.9, 0.99), weight_decay=0.5)");
  EXPECT_THROW(make("lion", {w}, {{"beta", {0.9, 0.9}}}), ValueError);

  // m = 0: c = 0.1 g, so p -= 0.1 * (sign(g) + 0.5 p); then m = 0.01 g.
  w.set_grad(Tensor::from({2.0f, 0.0f}));
  lion->step();
  EXPECT_FLOAT_EQ(w.data().at({0}), 1.0f - 0.1f * (1.0f + 0.5f));
  EXPECT_FLOAT_EQ(w.data().at({1}), -1.0f - 0.1f * (0.0f - 0.5f));
  EXPECT_NEAR(lion->state("0")->buffers()[0].second.at({0}), 0.02f, 1e-6f);
}

}  // namespace
}  // namespace minidl::optim
