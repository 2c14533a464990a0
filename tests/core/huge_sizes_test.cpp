// Sizes too large to count or to allocate: every product of sizes is checked, so a hostile or
// mistaken shape gives a ValueError naming the function and the shape, never signed overflow,
// a wrapped-around small allocation or a raw std::bad_alloc.
#include <gtest/gtest.h>

#include <cstdint>

#include "minidl/core.hpp"
#include "test_helpers.hpp"

#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer aborts on an allocation it cannot serve unless told to return null, as
// malloc itself does; the out-of-memory tests need malloc's answer.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }
#endif

using namespace minidl;
using minidl::test::error_of;
using minidl::test::expect_mentions;

namespace {
constexpr int64_t k2To62 = int64_t{1} << 62;
const std::string k2To62Text = "4611686018427387904";
}  // namespace

TEST(HugeSizes, NumelThatDoesNotFitInt64IsAValueError) {
  expect_mentions(error_of<ValueError>([] { Shape({k2To62, 4}).numel(); }),
                  {"[" + k2To62Text + ", 4]", "too large"});
  expect_mentions(error_of<ValueError>([] { Shape({k2To62, k2To62, 2}).numel(); }), {"too large"});
  // A zero anywhere makes the count exactly 0, even after a partial product overflowed.
  EXPECT_EQ(Shape({k2To62, k2To62, 0}).numel(), 0);
  EXPECT_EQ(Shape({INT64_MAX}).numel(), INT64_MAX);
}

TEST(HugeSizes, CheckedNumelCountsZeroDimsAsOneLikeTheStrides) {
  EXPECT_EQ(checked_numel({2, 3}, "op"), 6);
  EXPECT_EQ(checked_numel({0, 5}, "op"), 0);
  // No elements, but the largest stride would be 2^124.
  expect_mentions(error_of<ValueError>([] { checked_numel({0, k2To62, k2To62}, "my_op"); }),
                  {"my_op", "[0, " + k2To62Text + ", " + k2To62Text + "]"});
  expect_mentions(error_of<ShapeError>([] { checked_numel({2, -3}, "my_op"); }), {"my_op", "-3", "[2, -3]"});
}

TEST(HugeSizes, ContiguousStridesOfAHugeShapeAreAValueError) {
  EXPECT_EQ(contiguous_strides({k2To62, 2}), Shape({2, 1}));  // the first dim's size is never multiplied in
  expect_mentions(error_of<ValueError>([] { contiguous_strides({1, k2To62, 4}); }), {"[1, " + k2To62Text + ", 4]"});
}

TEST(HugeSizes, CreationFunctionsNameThemselvesAndTheShape) {
  const Shape huge{k2To62, k2To62};
  const std::string text = to_string(huge);
  Generator gen(0);
  expect_mentions(error_of<ValueError>([&] { Tensor::empty(huge); }), {"empty", text});
  expect_mentions(error_of<ValueError>([&] { Tensor::zeros(huge); }), {"zeros", text});
  expect_mentions(error_of<ValueError>([&] { Tensor::ones(huge, DType::Int64); }), {"ones", text});
  expect_mentions(error_of<ValueError>([&] { Tensor::full(huge, 1); }), {"full", text});
  expect_mentions(error_of<ValueError>([&] { Tensor::normal(huge, 0, 1, gen); }), {"normal", text});
  expect_mentions(error_of<ValueError>([&] { Tensor::uniform(huge, 0, 1, gen); }), {"uniform", text});
  expect_mentions(error_of<ValueError>([] { Tensor::eye(int64_t{1} << 32); }), {"eye", "[4294967296, 4294967296]"});
  expect_mentions(error_of<ValueError>([] { Tensor::from(std::vector<float>{1}, {k2To62, 4}); }), {"Tensor::from"});
  expect_mentions(error_of<ValueError>([] { Tensor::arange(0.0f, 1e30f, 1e-10f); }), {"arange", "too many"});
  // A zero-size tensor whose strides would overflow is refused too.
  expect_mentions(error_of<ValueError>([] { Tensor::empty({0, k2To62, k2To62}); }), {"empty", "[0, " + k2To62Text});
  EXPECT_THROW(Tensor::empty({-1, 2}), ShapeError);
}

TEST(HugeSizes, ElementsThatFitButBytesThatDoNotAreAValueError) {
  // 2^62 int64 elements are 2^65 bytes; 2^61 float32 elements 2^63.
  expect_mentions(error_of<ValueError>([] { Tensor::empty({k2To62}, DType::Int64); }),
                  {"empty", "int64", "[" + k2To62Text + "]", "bytes"});
  expect_mentions(error_of<ValueError>([] { Tensor::zeros({int64_t{1} << 61}); }), {"zeros", "bytes"});
  EXPECT_EQ(checked_nbytes({3, 5}, DType::Int64, "op"), 120u);
}

TEST(HugeSizes, AnAllocationThatFailsSaysHowManyBytes) {
  // 2^60 float32 elements: countable, 4 EiB, more than any machine has.
  expect_mentions(error_of<ValueError>([] { Tensor::empty({int64_t{1} << 60}); }),
                  {"empty", "[1152921504606846976]", "cannot allocate 4611686018427387904 bytes", "out of memory"});
  expect_mentions(error_of<ValueError>([] { Storage storage(~size_t{0}); }), {"cannot allocate 18446744073709551615 bytes"});
}

TEST(HugeSizes, ReshapeViewAndExpandCheckTheirProducts) {
  const Tensor empty = Tensor::zeros({0});
  expect_mentions(error_of<ValueError>([&] { empty.reshape({0, k2To62, k2To62}); }), {"reshape", k2To62Text});
  expect_mentions(error_of<ValueError>([&] { empty.view({k2To62, k2To62, -1}); }), {"view", k2To62Text});
  expect_mentions(error_of<ValueError>([] { Tensor::ones({1, 1}).expand({k2To62, k2To62}); }), {"expand", k2To62Text});
  EXPECT_THROW(Tensor::ones({1}).expand({-5}), ShapeError);
  EXPECT_EQ(Tensor::ones({1}).expand({k2To62}).numel(), k2To62);  // fits: a stride-0 view, no memory
}

TEST(HugeSizes, NarrowAndSliceWithExtremeArgumentsStayInRange) {
  const Tensor t = Tensor::arange(6);
  expect_mentions(error_of<IndexError>([&] { t.narrow(0, 2, INT64_MAX); }), {"narrow", "size 6"});
  EXPECT_EQ(t.slice(0, 1, 6, INT64_MAX).to_vector(), std::vector<float>{1});
  EXPECT_EQ(t.slice(0, 0, INT64_MAX, 4).to_vector(), (std::vector<float>{0, 4}));
}
