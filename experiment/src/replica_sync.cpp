#include "replica_sync.hpp"

#include <cmath>
#include <memory>
#include <numeric>
#include <vector>

#include "minidl/data/subset.hpp"
#include "minidl/experiment/checkpoint.hpp"
#include "minidl/io/safetensors.hpp"

namespace minidl::experiment {

bool loss_is_summed(const Experiment& run) { return run.config().loss.value("reduction") == OptionValue("sum"); }

void check_same_config(Replicas& replicas, const std::string& config_yaml) {
  if (replicas.size() == 1) return;
  std::vector<uint8_t> main(config_yaml.begin(), config_yaml.end());
  replicas.broadcast(main);
  replicas.together([&] {
    if (std::string(main.begin(), main.end()) != config_yaml)
      throw ConfigError(Location{"config"}, "the resolved config of rank " + std::to_string(replicas.rank()) +
                                                " differs from rank 0's: every process of a distributed run "
                                                "must get the same config file and overrides");
  });
}

int64_t share_start(Replicas& replicas, Experiment& run, data::DataLoader& loader, int64_t epochs_done,
                    const std::string& config_yaml) {
  replicas.attach(run.model());
  if (replicas.size() == 1) return epochs_done;
  std::vector<uint8_t> state;
  if (replicas.is_main()) state = io::serialize_safetensors(checkpoint_state(run, epochs_done, loader, config_yaml));
  replicas.broadcast(state);
  replicas.together([&] {
    if (replicas.is_main()) return;
    const Checkpoint start = parse_checkpoint(io::parse_safetensors(state, "rank 0's state"), "rank 0's state");
    restore_checkpoint(start, run, loader);
    epochs_done = start.epochs_done;
  });
  return epochs_done;
}

bool rank0_value(Replicas& replicas, bool value) {
  std::vector<uint8_t> flag{static_cast<uint8_t>(value)};
  replicas.broadcast(flag);
  return flag[0] != 0;
}

Evaluation evaluate_shared(Replicas& replicas, Experiment& run, const data::Dataset& dataset) {
  if (replicas.size() == 1) return evaluate(run, dataset);
  const int64_t n = dataset.size();
  const data::ReplicaShare share = data::replica_share(n, replicas.rank(), replicas.size());
  const bool summed = loss_is_summed(run);
  // [loss, accuracy, mse] weighted by this share's rows (a summed loss is summed as it is).
  std::vector<double> parts(3, 0.0);
  replicas.together([&] {
    if (share.size() == 0) return;
    std::vector<int64_t> indices(static_cast<size_t>(share.size()));
    std::iota(indices.begin(), indices.end(), share.begin);
    // Not owned: `dataset` outlives this call.
    const std::shared_ptr<const data::Dataset> whole(std::shared_ptr<const data::Dataset>{}, &dataset);
    const Evaluation e = evaluate(run, data::Subset(whole, std::move(indices)));
    const auto rows = static_cast<double>(share.size());
    parts = {summed ? e.loss : e.loss * rows, e.accuracy * rows, e.mse * rows};
  });
  replicas.sum(parts);
  Evaluation combined;
  combined.classification = run.is_classification();
  combined.samples = n;
  combined.loss = summed ? parts[0] : parts[0] / static_cast<double>(n);
  combined.accuracy = parts[1] / static_cast<double>(n);
  combined.mse = parts[2] / static_cast<double>(n);
  combined.rmse = std::sqrt(combined.mse);
  return combined;
}

}  // namespace minidl::experiment
