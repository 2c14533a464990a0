#pragma once
// What the trainer does for a run shared among processes (Replicas) beyond one process's work:
// one config, one starting state, sharded validation. Each is a collective: every process
// calls it at the same point.
#include <cstdint>
#include <string>

#include "minidl/data/data_loader.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/experiment/replicas.hpp"
#include "minidl/experiment/trainer.hpp"

namespace minidl::experiment {

/// Throws ConfigError on every process when some process's resolved config differs from rank 0's
/// (other overrides, another file), naming the first such rank.
void check_same_config(Replicas& replicas, const std::string& config_yaml);

/// Gives every process rank 0's run and loader state (weights and buffers, optimizer,
/// scheduler, extra state, the loader's epoch): rank 0's fresh (or init_from) weights, or the
/// checkpoint it resumed. Returns rank 0's `epochs_done`.
int64_t share_start(Replicas& replicas, Experiment& run, data::DataLoader& loader, int64_t epochs_done,
                    const std::string& config_yaml);

/// Rank 0's `value` on every process.
bool rank0_value(Replicas& replicas, bool value);

/// evaluate() with each process taking its contiguous share of `dataset`: the loss, accuracy,
/// MSE and RMSE an epoch's row needs, combined (the same on every process, equal to one
/// process's up to float rounding). summary.json's full metrics come from rank 0 alone.
Evaluation evaluate_shared(Replicas& replicas, Experiment& run, const data::Dataset& dataset);

/// True when the run's loss sums over the batch (reduction: sum) rather than averaging.
bool loss_is_summed(const Experiment& run);

}  // namespace minidl::experiment
