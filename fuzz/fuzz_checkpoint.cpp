// libFuzzer target: load_checkpoint of an arbitrary file into a fresh run of checkpoint_run.yaml.
// A minidl::Error is the expected answer to a broken or foreign checkpoint; anything else
// escaping, a sanitizer report or a leak is a finding. A checkpoint that loads must also save
// and load back with the same progress.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "minidl/experiment/checkpoint.hpp"
#include "minidl/experiment/config.hpp"

namespace {

/// A fresh run each time, so an input's outcome never depends on the inputs before it.
minidl::experiment::Experiment fresh_run() {
  static const minidl::experiment::Config config = minidl::experiment::load_config(MINIDL_FUZZ_CHECKPOINT_CONFIG);
  return minidl::experiment::Experiment(config);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace minidl;
  static fuzz::InputFile input("checkpoint", ".safetensors");
  static fuzz::InputFile saved("checkpoint_saved", ".safetensors");
  experiment::Experiment run = fresh_run();
  experiment::TrainingState state;
  try {
    state = experiment::load_checkpoint(input.write(data, size), run);
  } catch (const Error&) {
    return 0;
  }
  experiment::save_checkpoint(saved.path(), run, state);
  experiment::Experiment again = fresh_run();
  try {
    if (experiment::load_checkpoint(saved.path(), again).epochs_done != state.epochs_done)
      fuzz::finding("a saved checkpoint loads back with another epoch count");
  } catch (const Error& e) {
    fuzz::finding(std::string("a loaded checkpoint, saved again, does not load: ") + e.what());
  }
  return 0;
}
