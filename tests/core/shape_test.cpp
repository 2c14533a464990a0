// Shape: the inline small vector of sizes, broadcasting rules, dim normalisation.
#include <gtest/gtest.h>

#include "minidl/core.hpp"
#include "test_helpers.hpp"

using namespace minidl;
using minidl::test::error_of;
using minidl::test::expect_mentions;

TEST(Shape, BehavesLikeASmallVector) {
  Shape s{2, 3};
  EXPECT_EQ(s.size(), 2);
  EXPECT_EQ(s.numel(), 6);
  s.push_back(4);
  s.insert(0, 1);
  EXPECT_EQ(s, Shape({1, 2, 3, 4}));
  s.erase(1);
  EXPECT_EQ(s.to_vector(), (std::vector<int64_t>{1, 3, 4}));
  EXPECT_EQ(s.back(), 4);
  EXPECT_EQ(Shape::filled(3, 7), Shape({7, 7, 7}));
  EXPECT_EQ(Shape().numel(), 1);  // a scalar has one element
  EXPECT_EQ(Shape({0, 5}).numel(), 0);
  EXPECT_EQ(to_string(Shape({2, 3})), "[2, 3]");
  EXPECT_EQ(to_string(Shape()), "[]");
  EXPECT_EQ(Shape(std::vector<int64_t>{5, 6}), Shape({5, 6}));
}

TEST(Shape, MoreThanEightDimsIsAShapeError) {
  EXPECT_THROW(Shape({1, 1, 1, 1, 1, 1, 1, 1, 1}), ShapeError);
  Shape s = Shape::filled(8, 1);
  EXPECT_THROW(s.push_back(1), ShapeError);
}

TEST(BroadcastShapes, FollowsPyTorchRules) {
  EXPECT_EQ(broadcast_shapes({4, 3}, {3}, "add"), Shape({4, 3}));
  EXPECT_EQ(broadcast_shapes({4, 1}, {1, 3}, "add"), Shape({4, 3}));
  EXPECT_EQ(broadcast_shapes({}, {2, 2}, "add"), Shape({2, 2}));
  EXPECT_EQ(broadcast_shapes({2, 1, 5}, {3, 1}, "add"), Shape({2, 3, 5}));
  EXPECT_EQ(broadcast_shapes({0, 3}, {1, 3}, "add"), Shape({0, 3}));
  EXPECT_EQ(broadcast_shapes({0}, {1}, "add"), Shape({0}));
}

TEST(BroadcastShapes, IncompatibleShapesNameTheOpBothShapesAndTheDim) {
  expect_mentions(error_of<ShapeError>([] { broadcast_shapes({4, 3}, {4}, "mul"); }),
                  {"mul", "[4, 3]", "[4]", "dim 1", "3 vs 4"});
  EXPECT_THROW(broadcast_shapes({0}, {2}, "add"), ShapeError);
}

TEST(NormalizeDim, AcceptsNegativeDimsAndRejectsOutOfRange) {
  EXPECT_EQ(normalize_dim(-1, 3, "sum"), 2);
  EXPECT_EQ(normalize_dim(0, 3, "sum"), 0);
  EXPECT_EQ(normalize_dim(-1, 0, "sum"), 0);  // a 0-dim tensor accepts dim 0 and -1
  expect_mentions(error_of<IndexError>([] { normalize_dim(3, 3, "softmax"); }), {"softmax", "dim 3", "3-dim"});
  EXPECT_THROW(normalize_dim(-4, 3, "sum"), IndexError);
}
