// Loss modules: the autograd losses with checked inputs.
#include "minidl/nn/loss.hpp"

#include <gtest/gtest.h>

#include "minidl/autograd/ops.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl_test/errors.hpp"

namespace minidl::nn {
namespace {

using test::error_of;

class LossTest : public ::testing::Test {
 protected:
  Generator gen{3};
  Tensor input = Tensor::normal({4, 3}, 0, 1, gen);
  Tensor target = Tensor::normal({4, 3}, 0, 1, gen);
  Tensor probs = Tensor::uniform({4, 3}, 0, 1, gen);
  Tensor labels = Tensor::from_int64({2, 0, 1, 2});
};

TEST_F(LossTest, ElementwiseLossesEqualTheAutogradFunctions) {
  for (Reduction r : {Reduction::Mean, Reduction::Sum, Reduction::None}) {
    SCOPED_TRACE(reduction_name(r));
    EXPECT_TRUE(equal(MSELoss(r)(input, target).data(), mse_loss(input, target, r).data()));
    EXPECT_TRUE(equal(L1Loss(r)(input, target).data(), l1_loss(input, target, r).data()));
    EXPECT_TRUE(equal(HuberLoss(r, 0.5f)(input, target).data(), huber_loss(input, target, r, 0.5f).data()));
    EXPECT_TRUE(equal(BCEWithLogitsLoss(r)(input, probs).data(),
                      binary_cross_entropy_with_logits(input, probs, r).data()));
  }
  EXPECT_EQ(MSELoss(Reduction::None)(input, target).shape(), (Shape{4, 3}));
  EXPECT_EQ(MSELoss()(input, target).dim(), 0);
}

TEST_F(LossTest, ClassificationLossesEqualTheAutogradFunctions) {
  for (Reduction r : {Reduction::Mean, Reduction::Sum, Reduction::None}) {
    SCOPED_TRACE(reduction_name(r));
    EXPECT_TRUE(equal(CrossEntropyLoss(r)(input, labels).data(), cross_entropy(input, labels, r).data()));
    Variable log_probs = log_softmax(input, 1);
    EXPECT_TRUE(equal(NLLLoss(r)(log_probs, labels).data(), nll_loss(log_probs, labels, r).data()));
  }
}

TEST_F(LossTest, GradientsReachTheInput) {
  Variable x(input, true);
  CrossEntropyLoss()(x, labels).backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_EQ(x.grad().shape(), (Shape{4, 3}));
}

TEST_F(LossTest, MismatchedShapesAreAShapeErrorNamingBoth) {
  // The classic bug: predictions [N, 1] against targets [N] would broadcast to [N, N].
  const std::string msg = error_of<ShapeError>([&] { MSELoss()(Tensor::zeros({4, 1}), Tensor::zeros({4})); });
  EXPECT_EQ(msg, "MSELoss: input shape [4, 1] and target shape [4] differ");
  EXPECT_THROW(L1Loss()(input, Tensor::zeros({3, 4})), ShapeError);
  EXPECT_THROW(HuberLoss()(input, Tensor::zeros({4})), ShapeError);
  EXPECT_THROW(BCEWithLogitsLoss()(input, Tensor::zeros({4, 1})), ShapeError);
}

TEST_F(LossTest, ClassTargetsMustBeInt64IndicesInRange) {
  EXPECT_EQ(error_of<IndexError>([&] { CrossEntropyLoss()(input, Tensor::from_int64({2, 0, 3, 1})); }),
            "CrossEntropyLoss: target[2] = 3 is out of range for 3 classes");
  EXPECT_EQ(error_of<IndexError>([&] { NLLLoss()(input, Tensor::from_int64({-1, 0, 0, 1})); }),
            "NLLLoss: target[0] = -1 is out of range for 3 classes");
  EXPECT_THROW(CrossEntropyLoss()(input, Tensor::from({2, 0, 1, 2})), DTypeError);
  EXPECT_THROW(CrossEntropyLoss()(input, Tensor::from_int64({2, 0, 1})), ShapeError);
  EXPECT_THROW(CrossEntropyLoss()(Tensor::zeros({3}), Tensor::from_int64({1})), ShapeError);
  EXPECT_THROW(MSELoss()(input, labels), DTypeError);
}

TEST(Loss, DescribeNamesTheReductionAndOptions) {
  EXPECT_EQ(MSELoss().describe(), "MSELoss(reduction=mean)");
  EXPECT_EQ(CrossEntropyLoss(Reduction::Sum).describe(), "CrossEntropyLoss(reduction=sum)");
  EXPECT_EQ(HuberLoss(Reduction::None, 2.0f).describe(), "HuberLoss(reduction=none, delta=2.0)");
  EXPECT_THROW(HuberLoss(Reduction::Mean, 0.0f), ValueError);
}

TEST(Loss, ModulesAreUsableThroughTheBaseClass) {
  std::unique_ptr<Loss> loss = std::make_unique<L1Loss>(Reduction::Sum);
  EXPECT_FLOAT_EQ((*loss)(Tensor::from({1, 2}), Tensor::from({0, 0})).item(), 3.0f);
  EXPECT_EQ(loss->reduction(), Reduction::Sum);
}

}  // namespace
}  // namespace minidl::nn
