#pragma once
// Reading YAML text strictly, as a config needs it: exactly one document, no key twice in a
// map, and errors a person can act on (yaml-cpp itself takes the first of two equal keys,
// ignores a second document and calls a too-deep nesting "bad file").
#include <string>

#include <yaml-cpp/yaml.h>

#include "minidl/experiment/config_error.hpp"

namespace minidl::experiment {

/// Parses `text`, the whole of `origin` (a file, or an override argument's value). Throws
/// ConfigError at the syntax error, the second of two equal keys, or the start of a second
/// document; with `positions`, errors carry origin:line:column, else just `origin`.
YAML::Node parse_yaml_document(const std::string& text, const std::string& origin, bool positions);

}  // namespace minidl::experiment
