// libFuzzer target: an arbitrary file resumed as a checkpoint of checkpoint_run.yaml, the way
// `minidl train --resume` does it (read_checkpoint, check_resumable, restore_checkpoint into a
// fresh run). A minidl::Error is the expected answer to a broken or foreign checkpoint; anything
// else escaping, a sanitizer report or a leak is a finding. A checkpoint that restores must
// also save and restore again with the same epoch count.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "minidl/experiment/checkpoint.hpp"
#include "minidl/experiment/config.hpp"
#include "minidl/experiment/trainer.hpp"

namespace {

const minidl::experiment::Config& run_config() {
  static const minidl::experiment::Config config = minidl::experiment::load_config(MINIDL_FUZZ_CHECKPOINT_CONFIG);
  return config;
}

/// Resumes a fresh run and loader from `path` (fresh each time, so an input's outcome never
/// depends on the inputs before it); returns the checkpoint's epoch count.
int64_t resume(const std::filesystem::path& path, minidl::experiment::Experiment& run,
               minidl::data::DataLoader& loader) {
  const minidl::experiment::Checkpoint checkpoint = minidl::experiment::read_checkpoint(path);
  minidl::experiment::check_resumable(checkpoint, run.config());
  minidl::experiment::restore_checkpoint(checkpoint, run, loader);
  return checkpoint.epochs_done;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace minidl;
  static fuzz::InputFile input("checkpoint", ".safetensors");
  static fuzz::InputFile saved("checkpoint_saved", ".safetensors");
  experiment::Experiment run(run_config());
  data::DataLoader loader = experiment::make_train_loader(run);
  int64_t epochs_done = 0;
  try {
    epochs_done = resume(input.write(data, size), run, loader);
  } catch (const Error&) {
    return 0;
  }
  experiment::save_checkpoint(saved.path(), run, epochs_done, loader, experiment::to_yaml_text(run.config()));
  experiment::Experiment again(run_config());
  data::DataLoader again_loader = experiment::make_train_loader(again);
  try {
    if (resume(saved.path(), again, again_loader) != epochs_done)
      fuzz::finding("a saved checkpoint restores with another epoch count");
  } catch (const Error& e) {
    fuzz::finding(std::string("a restored checkpoint, saved again, does not restore: ") + e.what());
  }
  return 0;
}
