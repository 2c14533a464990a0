#pragma once
// optim's name for io::StateDict: optimizer or scheduler state as a checkpoint stores it —
// tensors "state.<param name>.<buffer>" and "state.<param name>.step" (int64 scalar), and
// metadata "optimizer", "param_groups.<g>.<option>", "scheduler.last_epoch", ... — so
// io::save_safetensors writes it as it is.
#include "minidl/io/state_dict.hpp"

namespace minidl::optim {
using io::StateDict;
}  // namespace minidl::optim
