// A complete `minidl` command that also knows Lion, an optimizer minidl does not ship:
// lion.hpp defines it, one line registers it under a name, and run_cli is the whole `minidl`
// program (train, check, evaluate, predict, plot, list, overrides, --resume). From then on a config
// says `optimizer: {type: lion}` exactly as it says `optimizer: {type: adam}`:
//   build/bin/custom_optimizer train examples/custom_optimizer/lion.yaml
//   build/bin/custom_optimizer list optimizer
#include <minidl/experiment/cli.hpp>
#include <minidl/optim/registry.hpp>

#include "lion.hpp"

int main(int argc, char** argv) {
  minidl::optim::register_optimizer<Lion>("lion");
  return minidl::experiment::run_cli(argc, argv);
}
