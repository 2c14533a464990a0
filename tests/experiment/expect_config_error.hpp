#pragma once
// Checks on ConfigErrors by meaning: where the error points (file:line:column or an override)
// and what its problem names, rather than the whole message text.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "minidl/experiment/config_error.hpp"
#include "minidl_test/errors.hpp"

namespace minidl::experiment::config_testing {

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// The ConfigError that `action()` throws; a test failure (and an empty error) when none is.
template <class Action>
ConfigError config_error_from(Action&& action) {
  return test::thrown_by<ConfigError>(action).value_or(ConfigError(Location{}, "no error"));
}

/// `e` points at `origin`:`line`:`column` (line 0: no position, e.g. an override) and its
/// problem mentions each of `parts`.
inline void expect_error_at(const ConfigError& e, const std::string& origin, int line, int column,
                            std::initializer_list<std::string> parts) {
  EXPECT_EQ(e.where().origin, origin) << e.what();
  EXPECT_EQ(e.where().line, line) << e.what();
  EXPECT_EQ(e.where().column, column) << e.what();
  for (const std::string& part : parts) EXPECT_TRUE(contains(e.problem(), part)) << "'" << part << "' in: " << e.what();
}

/// The same for an error that names the override argument `text` (`train.epochs=0`).
inline void expect_override_error(const ConfigError& e, const std::string& text,
                                  std::initializer_list<std::string> parts) {
  expect_error_at(e, "override '" + text + "'", 0, 0, parts);
}

}  // namespace minidl::experiment::config_testing
