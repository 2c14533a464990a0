// Conformance with PyTorch 1.13: every case of tests/reference/sched_cases.yaml (or of the
// file in MINIDL_SCHED_CASES) builds its scheduler by name over an optimizer with lr
// base_lr and compares the lr of every epoch, read before the epoch's scheduler.step().
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "minidl/optim.hpp"
#include "reference_cases.hpp"

namespace minidl {
namespace {

// The README's rule for scheduler cases, which carry no tolerance of their own.
constexpr double kRtol = 1e-4;
constexpr double kAtol = 1e-10;

std::string run_case(const YAML::Node& c) {
  Variable w(Tensor::zeros({2}), true);
  std::unique_ptr<optim::Optimizer> optimizer;
  std::unique_ptr<optim::Scheduler> scheduler;
  try {
    optimizer = optim::make("sgd", {w}, {{"lr", c["base_lr"].as<double>()}});
    scheduler = optim::make_scheduler(c["scheduler"].as<std::string>(), *optimizer,
                                      test::options_from_yaml(c["options"]));
  } catch (const Error& e) {
    return std::string("cannot build the scheduler: ") + e.what();
  }
  const auto expected = c["expected_lr"].as<std::vector<double>>();
  if (expected.size() != c["epochs"].as<size_t>()) return "expected_lr does not list every epoch";
  for (size_t epoch = 0; epoch < expected.size(); ++epoch) {
    const double lr = optimizer->lr();
    if (!(std::abs(lr - expected[epoch]) <= kAtol + kRtol * std::abs(expected[epoch]))) {
      std::ostringstream out;
      out.precision(12);
      out << "epoch " << epoch << ": lr " << lr << ", expected " << expected[epoch];
      return out.str();
    }
    w.set_grad(Tensor::ones({2}));
    optimizer->step();
    scheduler->step();
  }
  return {};
}

TEST(ReferenceSched, every_reference_case_matches_pytorch) {
  test::run_every_case(test::case_file("MINIDL_SCHED_CASES", "tests/reference/sched_cases.yaml"), "minidl-sched-cases/1", "scheduler", "sched", run_case);
}

}  // namespace
}  // namespace minidl
