#pragma once
// Internal to the `minidl` command: the first Ctrl-C asks a training run to stop after the step
// in hand, so that it says where it stopped and which checkpoint `--resume` continues from,
// instead of dying wherever the signal found it. A second Ctrl-C kills the process as before;
// a repeat within half a second is the same Ctrl-C delivered twice (to the process and to its
// process group, as timeout(1) and job schedulers send it) and changes nothing.

namespace minidl::experiment {

class InterruptRequest {
 public:
  /// Catches SIGINT until destroyed (the one signal-handler state the command keeps).
  InterruptRequest();
  /// Puts back the handler it replaced.
  ~InterruptRequest();
  InterruptRequest(const InterruptRequest&) = delete;
  InterruptRequest& operator=(const InterruptRequest&) = delete;

  /// Whether Ctrl-C was pressed since construction.
  bool requested() const;
};

}  // namespace minidl::experiment
