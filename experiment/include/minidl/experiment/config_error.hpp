#pragma once
// ConfigError: a mistake in a config file or a command-line override, located precisely.
#include <string>

#include "minidl/core/error.hpp"

namespace minidl::experiment {

/// Where a config value came from: `file:line:column` (1-based) or an override's text.
struct Location {
  std::string origin;  // a file path, or "override 'optimizer.lr=abc'"
  int line = 0;        // 0 when unknown (an override, a file as a whole)
  int column = 0;

  /// "configs/x.yaml:3:7", "configs/x.yaml" or "override 'train.epochs=0'".
  std::string to_string() const;
};

/// A config that cannot run: the message starts with the location, then says what is wrong
/// (expected and actual value, or the known names and the closest one).
class ConfigError : public Error {
 public:
  ConfigError(Location where, const std::string& problem);

  const Location& where() const { return where_; }
  /// The message without its location.
  const std::string& problem() const { return problem_; }

 private:
  Location where_;
  std::string problem_;
};

/// A config that runs but is likely a mistake: where, and what to change.
struct ConfigWarning {
  Location where;
  std::string problem;

  /// "<where>: <problem>".
  std::string to_string() const { return where.to_string() + ": " + problem; }
};

}  // namespace minidl::experiment
