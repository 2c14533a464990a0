// Property tests: random compositions of ops and shapes agree with finite differences.
#include <gtest/gtest.h>

#include "minidl/autograd.hpp"

using namespace minidl;

namespace {
using Fn = std::function<Variable(const std::vector<Variable>&)>;

void expect_gradcheck(const Fn& f, std::vector<Variable> inputs) {
  const GradcheckResult r = gradcheck(f, inputs);
  EXPECT_TRUE(r.ok) << r.message;
}
}  // namespace

TEST(Gradcheck, catches_a_wrong_backward) {
  // A deliberately wrong op: forward x^2, backward claims 3x.
  Fn wrong = [](const std::vector<Variable>& in) {
    Tensor out = in[0].data() * in[0].data();
    return record("Wrong", out, {&in[0]}, [x = in[0].data()](const Tensor& g, std::span<Tensor> gi, const Node&) {
      gi[0] = g * x * 3.0f;
    });
  };
  Generator gen(1);
  EXPECT_FALSE(gradcheck(wrong, {Variable(Tensor::uniform({3}, 0.5f, 1.0f, gen), true)}).ok);
}

TEST(Gradcheck, random_compositions_of_elementwise_ops_and_broadcasting) {
  const std::vector<Shape> shapes_b = {{4, 3}, {3}, {4, 1}, {}};
  for (uint64_t seed = 0; seed < 12; ++seed) {
    Generator gen(seed);
    const Shape sb = shapes_b[seed % shapes_b.size()];
    Variable a(Tensor::uniform({4, 3}, 0.5f, 1.5f, gen), true);
    Variable b(Tensor::uniform(sb, 0.5f, 1.5f, gen), true);
    const int variant = static_cast<int>(seed % 3);
    expect_gradcheck(
        [variant](const std::vector<Variable>& in) {
          const Variable& x = in[0];
          const Variable& y = in[1];
          switch (variant) {
            case 0: return tanh(x * y) + sqrt(x) / y;
            case 1: return log(x + y) * sigmoid(x - y) - exp(y * 0.5f);
            default: return pow(x, 3.0f) / (y + 1.0f) + abs(x - 2.0f * y);
          }
        },
        {a, b});
  }
}

TEST(Gradcheck, mlp_with_softmax_and_losses) {
  for (uint64_t seed = 0; seed < 4; ++seed) {
    Generator gen(seed + 100);
    Variable x(Tensor::normal({5, 4}, 0, 1, gen), true);
    Variable w1(Tensor::normal({6, 4}, 0, 0.5f, gen), true);
    Variable b1(Tensor::normal({6}, 0, 0.5f, gen), true);
    Variable w2(Tensor::normal({3, 6}, 0, 0.5f, gen), true);
    const Tensor labels = Tensor::from_int64({0, 2, 1, 1, 0});
    expect_gradcheck(
        [&](const std::vector<Variable>& in) {
          Variable h = tanh(linear(in[0], in[1], in[2]));
          Variable logits = matmul(h, transpose(in[3], 0, 1));
          return cross_entropy(logits, labels) + sum(softmax(logits, 1) * log_softmax(logits, -1)) * 0.1f;
        },
        {x, w1, b1, w2});
  }
}

TEST(Gradcheck, reductions_over_dims_and_reshapes) {
  Generator gen(7);
  Variable x(Tensor::normal({2, 3, 4}, 0, 1, gen), true);
  expect_gradcheck(
      [](const std::vector<Variable>& in) {
        Variable m = mean(in[0], 1, true) * sum(in[0], -1, true);
        return sum(reshape(m, {-1})) + flatten(mean(in[0], 2));
      },
      {x});
}

TEST(Gradcheck, regression_losses) {
  Generator gen(9);
  Variable x(Tensor::normal({3, 4}, 0, 2, gen), true);
  Variable t(Tensor::normal({3, 4}, 0, 2, gen), true);
  expect_gradcheck(
      [](const std::vector<Variable>& in) {
        return mse_loss(in[0], in[1]) + huber_loss(in[0], in[1], Reduction::Sum, 1.0f) +
               l1_loss(in[0], in[1], Reduction::Mean) +
               binary_cross_entropy_with_logits(in[0], sigmoid(in[1]), Reduction::Mean);
      },
      {x, t});
}
