#pragma once
// Reading the PyTorch reference case files (format: tests/reference/README.md) for the
// optimizer and scheduler conformance tests.
#include <yaml-cpp/yaml.h>

#include <string>

#include "minidl/core/tensor.hpp"
#include "minidl/optim/option_value.hpp"

namespace minidl::test {

/// The file named by the environment variable `env`, else `fallback` (relative to the repo).
std::string case_file(const char* env, const std::string& fallback);

/// {shape: [..], values: [..]} as a float32 tensor.
Tensor tensor_from_yaml(const YAML::Node& node);

/// A case's options map, as the experiment layer gives it: numbers, true/false, number lists.
optim::OptionMap options_from_yaml(const YAML::Node& node);

/// Empty when `actual` matches `expected` by |a - b| <= atol + rtol*|b| everywhere; else a
/// description of the worst element (index, both values, the allowed difference).
std::string compare(const Tensor& actual, const Tensor& expected, double rtol, double atol);

}  // namespace minidl::test
