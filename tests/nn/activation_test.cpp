// Activation, Flatten and Identity modules compute exactly what the autograd ops compute,
// forward and backward.
#include "minidl/nn/activation.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "minidl/autograd/ops.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/nn/flatten.hpp"
#include "minidl/nn/identity.hpp"

namespace minidl::nn {
namespace {

// Runs `module` and `op` on equal inputs with one upstream gradient; values and input
// gradients must agree bit for bit, since the module is only a name for the op.
void expect_same_as_op(Module& module, const std::function<Variable(const Variable&)>& op,
                       const Shape& shape = {4, 5}) {
  Generator gen(2);
  Tensor x = Tensor::normal(shape, 0, 2, gen);
  Variable x1(x.clone(), true), x2(x.clone(), true);
  Variable y1 = module(x1), y2 = op(x2);
  ASSERT_TRUE(equal(y1.data(), y2.data())) << module.describe();
  Tensor g = Tensor::normal(y1.shape(), 0, 1, gen);
  y1.backward(g);
  y2.backward(g);
  EXPECT_TRUE(equal(x1.grad(), x2.grad())) << module.describe();
}

TEST(Activation, ReLU) {
  ReLU m;
  expect_same_as_op(m, [](const Variable& x) { return relu(x); });
  EXPECT_EQ(m.describe(), "ReLU()");
}

TEST(Activation, LeakyReLU) {
  LeakyReLU m(0.2f);
  expect_same_as_op(m, [](const Variable& x) { return leaky_relu(x, 0.2f); });
  EXPECT_EQ(m.describe(), "LeakyReLU(negative_slope=0.2)");
  EXPECT_EQ(LeakyReLU().describe(), "LeakyReLU(negative_slope=0.01)");
}

TEST(Activation, Sigmoid) {
  Sigmoid m;
  expect_same_as_op(m, [](const Variable& x) { return sigmoid(x); });
  EXPECT_EQ(m.describe(), "Sigmoid()");
}

TEST(Activation, Tanh) {
  Tanh m;
  expect_same_as_op(m, [](const Variable& x) { return tanh(x); });
  EXPECT_EQ(m.describe(), "Tanh()");
}

TEST(Activation, SoftmaxAlongEitherDim) {
  Softmax rows(1), cols(0);
  expect_same_as_op(rows, [](const Variable& x) { return softmax(x, 1); });
  expect_same_as_op(cols, [](const Variable& x) { return softmax(x, 0); });
  EXPECT_EQ(rows.describe(), "Softmax(dim=1)");
}

TEST(Activation, LogSoftmax) {
  LogSoftmax m(-1);
  expect_same_as_op(m, [](const Variable& x) { return log_softmax(x, -1); });
  EXPECT_EQ(m.describe(), "LogSoftmax(dim=-1)");
}

TEST(Flatten, KeepsTheBatchDimByDefault) {
  Flatten m;
  expect_same_as_op(m, [](const Variable& x) { return flatten(x, 1, -1); }, {2, 3, 4});
  EXPECT_EQ(m(Tensor::zeros({2, 3, 4})).shape(), (Shape{2, 12}));
  EXPECT_EQ(Flatten(0, 1)(Tensor::zeros({2, 3, 4})).shape(), (Shape{6, 4}));
  EXPECT_EQ(m.describe(), "Flatten(start_dim=1, end_dim=-1)");
}

TEST(Identity, ReturnsItsInputVariable) {
  Identity m;
  Variable x(Tensor::ones({2}), true);
  EXPECT_TRUE(m(x).same(x));
  EXPECT_EQ(m.describe(), "Identity()");
  EXPECT_EQ(m.num_parameters(), 0);
}

}  // namespace
}  // namespace minidl::nn
