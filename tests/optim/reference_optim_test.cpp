// Conformance with PyTorch 1.13: every case of tests/reference/optim_cases.yaml (or of the
// file in MINIDL_OPTIM_CASES) builds its optimizer by name from its options, replays the
// recorded gradients and compares the parameters after every step.
#include <gtest/gtest.h>

#include <iostream>

#include "minidl/optim.hpp"
#include "reference_cases.hpp"

namespace minidl {
namespace {

// Empty when the case passes, else what failed (step, parameter, worst element).
std::string run_case(const YAML::Node& c) {
  std::vector<Variable> params;
  for (const auto& p : c["params"]) params.emplace_back(test::tensor_from_yaml(p), true);
  std::unique_ptr<optim::Optimizer> optimizer;
  try {
    optimizer = optim::make(c["optimizer"].as<std::string>(), params,
                            test::options_from_yaml(c["options"]));
  } catch (const Error& e) {
    return std::string("cannot build the optimizer: ") + e.what();
  }
  const auto rtol = c["rtol"].as<double>();
  const auto atol = c["atol"].as<double>();
  const YAML::Node grads = c["grads"];
  const YAML::Node expected = c["expected"];
  if (grads.size() != expected.size()) return "grads and expected list different step counts";
  for (size_t s = 0; s < grads.size(); ++s) {
    if (grads[s].size() != params.size() || expected[s].size() != params.size())
      return "step " + std::to_string(s) + " does not list one entry per parameter";
    for (size_t i = 0; i < params.size(); ++i)
      params[i].set_grad(grads[s][i].IsNull() ? Tensor() : test::tensor_from_yaml(grads[s][i]));
    optimizer->step();
    for (size_t i = 0; i < params.size(); ++i) {
      const std::string mismatch =
          test::compare(params[i].data(), test::tensor_from_yaml(expected[s][i]), rtol, atol);
      if (!mismatch.empty())
        return "step " + std::to_string(s) + ", param " + std::to_string(i) + ": " + mismatch;
    }
  }
  return {};
}

TEST(ReferenceOptim, every_reference_case_matches_pytorch) {
  test::run_every_case(test::case_file("MINIDL_OPTIM_CASES", "tests/reference/optim_cases.yaml"), "minidl-optim-cases/1", "optimizer", "optim", run_case);
}

}  // namespace
}  // namespace minidl
