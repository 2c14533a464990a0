#pragma once
// Reading the PyTorch reference case files (format: tests/reference/README.md) for the
// optimizer and scheduler conformance tests.
#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>

#include "minidl/core/tensor.hpp"
#include "minidl/optim/options.hpp"

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

/// Runs every case of the file at `path` (whose `format` must match) through `run_case` (an
/// empty string means the case passed), reports each failure with the case's name and its
/// `kind_key` entry (the optimizer or scheduler), prints "reference <label>: N cases passed"
/// and fails unless every case passed.
void run_every_case(const std::string& path, const std::string& format, const char* kind_key,
                    const char* label, const std::function<std::string(const YAML::Node&)>& run_case);

}  // namespace minidl::test
