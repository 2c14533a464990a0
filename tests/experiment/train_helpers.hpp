#pragma once
// What the training tests share: the shipped linreg config trained into a scratch folder.
#include <sstream>
#include <string>
#include <vector>

#include "minidl/experiment/config.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/experiment/trainer.hpp"

namespace minidl::test {

/// Trains configs/linreg.yaml with `overrides` into `out`; what it prints goes to `log` if given.
inline experiment::TrainResult train_linreg(const std::string& out, std::vector<std::string> overrides = {},
                                            experiment::TrainOptions options = {}, std::ostringstream* log = nullptr) {
  overrides.insert(overrides.begin(), "output=" + out);
  experiment::Experiment run(experiment::load_config("configs/linreg.yaml", overrides));
  std::ostringstream ignored;
  return experiment::train(run, options, log ? *log : ignored);
}

}  // namespace minidl::test
