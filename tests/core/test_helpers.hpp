#pragma once
// Small helpers shared by the core test suites.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "minidl/core.hpp"
#include "minidl_test/errors.hpp"

namespace minidl::test {

/// Shape and row-major values of `t`, compared exactly.
inline void expect_tensor(const Tensor& t, const Shape& shape, const std::vector<float>& values) {
  EXPECT_EQ(to_string(t.shape()), to_string(shape));
  EXPECT_EQ(t.to_vector(), values);
}

}  // namespace minidl::test
