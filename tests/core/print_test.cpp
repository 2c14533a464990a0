// Printing: std::cout << t looks like PyTorch's repr.
#include <gtest/gtest.h>

#include <limits>
#include <sstream>

#include "minidl/core.hpp"

using namespace minidl;

namespace {
std::string str(const Tensor& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}
}  // namespace

TEST(Print, MatricesAlignEveryElementToOneWidth) {
  EXPECT_EQ(str(Tensor::from({{-1.2750f, 1.5482f}, {0.1f, -22.5f}})),
            "tensor([[ -1.2750,   1.5482],\n"
            "        [  0.1000, -22.5000]])");
}

TEST(Print, WholeNumbersPrintWithATrailingPoint) {
  EXPECT_EQ(str(Tensor::from({1, 2, 3})), "tensor([1., 2., 3.])");
  EXPECT_EQ(str(Tensor::scalar(3.5f)), "tensor(3.5000)");
}

TEST(Print, Int64HasNoDecimals) { EXPECT_EQ(str(Tensor::from_int64({1, -20, 3})), "tensor([  1, -20,   3])"); }

TEST(Print, ThreeDimsSeparateBlocksByABlankLine) {
  EXPECT_EQ(str(Tensor::arange(8).view({2, 2, 2})),
            "tensor([[[0., 1.],\n"
            "         [2., 3.]],\n"
            "\n"
            "        [[4., 5.],\n"
            "         [6., 7.]]])");
}

TEST(Print, WideRangesUseScientificNotation) {
  EXPECT_EQ(str(Tensor::from({1e-5f, 1.0f})), "tensor([1.0000e-05, 1.0000e+00])");
}

TEST(Print, NonFiniteValues) {
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(str(Tensor::from({std::numeric_limits<float>::quiet_NaN(), 1.5f, -inf})),
            "tensor([   nan, 1.5000,   -inf])");
}

TEST(Print, LargeTensorsAreSummarised) {
  EXPECT_EQ(str(Tensor::arange(2000)), "tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.])");
  const std::string m = str(Tensor::arange(2000).view({100, 20}));
  EXPECT_EQ(m.substr(0, m.find('\n')), "tensor([[   0.,    1.,    2., ...,   17.,   18.,   19.],");
  EXPECT_NE(m.find("        ...,\n"), std::string::npos);
}

TEST(Print, EmptyAndUndefinedTensors) {
  EXPECT_EQ(str(Tensor::zeros({0})), "tensor([])");
  EXPECT_EQ(str(Tensor::zeros({2, 0})), "tensor([], size=(2, 0))");
  EXPECT_EQ(str(Tensor()), "tensor(undefined)");
}

TEST(Print, NonContiguousViewsPrintTheirLogicalOrder) {
  EXPECT_EQ(str(Tensor::arange(4).view({2, 2}).t()), "tensor([[0., 2.],\n        [1., 3.]])");
}
