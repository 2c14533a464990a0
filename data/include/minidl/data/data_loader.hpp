#pragma once
// DataLoader: seeded, shuffled minibatches of a dataset, assembled ahead of time on a
// background thread, iterated with a range-for.
#include <cstdint>
#include <memory>

#include "minidl/data/batch.hpp"
#include "minidl/data/dataset.hpp"

namespace minidl::data {

/// The loader's settings; designated initialisers read like PyTorch's keyword arguments:
/// DataLoader(ds, {.batch_size = 32, .shuffle = true, .seed = 1}).
struct DataLoaderOptions {
  /// Samples per batch (> 0).
  int64_t batch_size = 1;
  /// Shuffle the samples every epoch; the order of epoch e depends on (seed, e) only.
  bool shuffle = false;
  /// Drop the last batch of an epoch when it is smaller than batch_size.
  bool drop_last = false;
  /// Seed of the shuffles.
  uint64_t seed = 0;
  /// Batches assembled ahead on a background thread (>= 0); 0 assembles each batch on the
  /// caller's thread when it is needed.
  int prefetch = 2;
  /// Data-parallel training (PyTorch's DistributedSampler): each batch of batch_size samples
  /// is the global batch of num_replicas processes, every one drawing the same order, and
  /// this loader yields only the rows of replica `rank` (see replica_share). 1 and 0: all rows.
  int64_t num_replicas = 1;
  int64_t rank = 0;
};

/// Rows [begin, end) of a batch of `rows` rows that replica `rank` of `num_replicas` takes:
/// contiguous shares in rank order, the first rows % num_replicas ranks one row more.
struct ReplicaShare {
  int64_t begin = 0;
  int64_t end = 0;
  int64_t size() const { return end - begin; }
};
ReplicaShare replica_share(int64_t rows, int64_t rank, int64_t num_replicas);

namespace detail {
class EpochStream;
}

/// Iterating a loader runs the rest of the current epoch, then moves to the next epoch, so
///   for (int e = 0; e < epochs; ++e) for (auto& [xb, yb] : loader) ...
/// sees a new order every epoch (like PyTorch with a generator-driven sampler).
/// The loader remembers where it is: position() counts the batches of epoch() handed out so
/// far, so breaking out of a loop and iterating again continues with the next batch, and
/// set_epoch/set_position resume a run exactly. Batches are bitwise identical for any thread
/// count and prefetch depth. A batch's tensors stay valid as long as they are referenced: the
/// loader reuses a batch buffer only when nothing else holds it, else it allocates a new one.
/// One iteration at a time: a second begin() while one is live throws ValueError.
class DataLoader {
 public:
  using Options = DataLoaderOptions;
  class Iterator;
  /// What end() returns: an iterator equals it when the epoch is over.
  struct Sentinel {};

  /// Throws ValueError for an empty dataset, batch_size <= 0, prefetch < 0, or a rank outside
  /// [0, num_replicas), or batch_size < num_replicas (a replica without rows in every batch).
  DataLoader(std::shared_ptr<const Dataset> dataset, const Options& options = {});
  /// A loader over a concrete dataset, moved (or copied: tensors share their data) into it.
  template <class D>
    requires std::derived_from<std::remove_cvref_t<D>, Dataset>
  DataLoader(D&& dataset, const Options& options = {})
      : DataLoader(share(std::forward<D>(dataset)), options) {}

  /// Starts (or continues) the current epoch at position(). Throws what assembling the first
  /// batch throws.
  Iterator begin();
  Sentinel end() const { return {}; }

  /// Batches per epoch (len(loader) in PyTorch).
  int64_t size() const;
  /// Rows of batch `batch` of an epoch over all replicas (batch_size, or fewer for the last).
  int64_t global_batch_rows(int64_t batch) const;
  const Dataset& dataset() const { return *dataset_; }
  const Options& options() const { return options_; }

  /// The epoch the next (or current) iteration runs, from 0.
  int64_t epoch() const { return epoch_; }
  /// Batches of epoch() already handed out, in [0, size()].
  int64_t position() const { return position_; }
  /// Moves to the start of epoch `epoch` (>= 0).
  void set_epoch(int64_t epoch);
  /// Continues the current epoch after its first `position` batches (0 <= position <= size()).
  void set_position(int64_t position);

  /// The sample order of epoch `epoch`: a permutation drawn with Generator(seed, epoch) when
  /// shuffling, else 0, 1, ..., n-1 (int64 [n]).
  Tensor order(int64_t epoch) const;

 private:
  friend class detail::EpochStream;
  void check_idle(const char* what) const;

  std::shared_ptr<const Dataset> dataset_;
  Options options_;
  int64_t epoch_ = 0;
  int64_t position_ = 0;
  bool iterating_ = false;
};

/// An input iterator over one epoch's batches; move-only. Destroying it (a finished loop, a
/// break, an exception) stops the background work and joins its thread.
class DataLoader::Iterator {
 public:
  Iterator(Iterator&&) noexcept;
  Iterator& operator=(Iterator&&) noexcept;
  ~Iterator();

  /// The current batch, valid until the next ++ (and for as long as you keep its tensors).
  Batch& operator*() const;
  Batch* operator->() const { return &**this; }
  /// Moves to the next batch; rethrows on this thread what assembling it threw.
  Iterator& operator++();
  bool operator==(Sentinel) const;

 private:
  friend class DataLoader;
  explicit Iterator(std::unique_ptr<detail::EpochStream> stream);

  std::unique_ptr<detail::EpochStream> stream_;
};

}  // namespace minidl::data
