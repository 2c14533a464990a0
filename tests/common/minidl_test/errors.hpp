#pragma once
// Checking an error by its meaning: the type thrown and what its message names, rather than the
// whole message text.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace minidl::test {

/// The exception of type E that f() throws; nothing, and a test failure, when it throws none.
/// An exception of another type is not caught, so the test fails with it.
template <class E, class F>
std::optional<E> thrown_by(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  }
  ADD_FAILURE() << "expected an exception";
  return std::nullopt;
}

/// The message of the exception of type E that f() throws; "" (and a test failure) when none.
template <class E, class F>
std::string error_of(F&& f) {
  const std::optional<E> e = thrown_by<E>(f);
  return e ? e->what() : "";
}

/// Checks that `text` contains each of `parts`, printing the text when it does not.
inline void expect_mentions(const std::string& text, const std::vector<std::string>& parts) {
  for (const auto& p : parts) EXPECT_NE(text.find(p), std::string::npos) << "'" << p << "' not in: " << text;
}

}  // namespace minidl::test
