#pragma once
// Command-line overrides: `optimizer.lr=0.01 model.0.out=256` edit the YAML tree before it
// is validated, so an override is checked exactly like the file it changes.
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace minidl::experiment {

/// One `dotted.path=value` override, parsed.
struct Override {
  std::string text;  // as given: "optimizer.lr=0.01"
  std::string path;  // "optimizer.lr"
  YAML::Node value;  // the text after '=' read as YAML ("0.01", "[64, 10]", "{type: relu}")
};

/// Parses "a.b.c=value"; throws ConfigError naming the override when it has no '=', an empty
/// path segment, or a value that is not valid YAML.
Override parse_override(std::string_view text);

/// Writes the value at its path in `root`, creating maps on the way; a list element is named by
/// its index (the next free index appends). Returns the paths of the maps it created on the way
/// (above its own path). Throws ConfigError naming the override when the path goes through a
/// scalar or names a list index out of range.
std::vector<std::string> apply_override(YAML::Node& root, const Override& override_);

}  // namespace minidl::experiment
