#pragma once
// Small helpers shared by the core test suites.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "minidl/core.hpp"

namespace minidl::test {

/// The message of the exception of type E that f throws (a test failure if it throws none).
template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception";
  return {};
}

/// Checks that `text` contains each of `parts`, printing the text when it does not.
inline void expect_mentions(const std::string& text, const std::vector<std::string>& parts) {
  for (const auto& p : parts) EXPECT_NE(text.find(p), std::string::npos) << "'" << p << "' not in: " << text;
}

/// Shape and row-major values of `t`, compared exactly.
inline void expect_tensor(const Tensor& t, const Shape& shape, const std::vector<float>& values) {
  EXPECT_EQ(to_string(t.shape()), to_string(shape));
  EXPECT_EQ(t.to_vector(), values);
}

}  // namespace minidl::test
