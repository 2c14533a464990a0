#include "epoch_stream.hpp"

#include <algorithm>
#include <chrono>

#include "minidl/core/parallel.hpp"

namespace minidl::data::detail {

EpochStream::EpochStream(DataLoader& loader)
    : loader_(&loader),
      dataset_(loader.dataset_),
      order_(loader.order(loader.epoch_)),
      batch_size_(loader.options_.batch_size),
      current_(loader.position_),
      end_(loader.size()),
      background_(loader.options_.prefetch > 0),
      // Never more buffers than batches left, nor more rows in one than the dataset has:
      // a huge prefetch or batch_size costs nothing beyond the data itself.
      // A replica's share grows with the batch's rows: a full batch's share bounds them all
      // (one row at least, so that an empty share is a narrowed buffer as a short batch is).
      batch_rows_(std::max<int64_t>(1, replica_share(std::min(batch_size_, dataset_->size()), loader.options_.rank,
                                                     loader.options_.num_replicas)
                                           .size())),
      slots_(static_cast<size_t>(std::min<int64_t>(loader.options_.prefetch, end_ - current_)) + 1),
      refill_(std::max<int64_t>(1, static_cast<int64_t>(slots_.size() - 1) / 2)) {
  loader_->iterating_ = true;
}

EpochStream::~EpochStream() {
  if (producer_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    changed_.notify_all();
    producer_.join();
  }
  loader_->iterating_ = false;
}

void EpochStream::start() {
  if (done()) {
    finish_epoch();
    return;
  }
  if (background_) {
    released_ = current_;
    ready_.store(current_, std::memory_order_relaxed);
    // The producer gathers on its own thread only: given TBB's workers it kept them from the
    // training thread (mlp_large at 2 threads trained at the speed of 1).
    producer_ = std::thread([this, first = current_] { run_serially([&] { produce(first); }); });
  }
  take(current_);
}

void EpochStream::advance() {
  if (current_ + 1 >= end_) {
    current_ = end_;
    finish_epoch();
    return;
  }
  take(current_ + 1);
}

void EpochStream::take(int64_t batch) {
  if (background_) {
    {
      std::lock_guard lock(mutex_);
      released_ = batch;
      // Only a producer that waits for these slots is woken: on a virtual machine a wake-up is a
      // system call and an interrupt to the other core, and once per step it cost 3% of an
      // mlp_large epoch at one thread.
      if (producer_waiting_ && slots_free()) changed_.notify_all();
    }
    // A batch in the making is usually a few tens of microseconds from ready: watching for it
    // (yielding, so a producer on this core runs) is cheaper than sleeping on the condition and
    // being woken, which took 13 us a batch here (a loop that only read the batches ran at 60%
    // of the speed of gathering them on its own thread).
    const auto give_up = std::chrono::steady_clock::now() + kWatchBeforeSleeping;
    while (ready_.load(std::memory_order_acquire) <= batch && !failed_.load(std::memory_order_acquire) &&
           std::chrono::steady_clock::now() < give_up)
      std::this_thread::yield();
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return ready_.load(std::memory_order_relaxed) > batch || error_; });
    if (ready_.load(std::memory_order_relaxed) <= batch) std::rethrow_exception(error_);
  } else {
    assemble(batch);
  }
  current_ = batch;
  loader_->position_ = batch + 1;
}

void EpochStream::produce(int64_t first) {
  const auto ring = static_cast<int64_t>(slots_.size());
  for (int64_t batch = first; batch < end_; ++batch) {
    {
      std::unique_lock lock(mutex_);
      next_ = batch;
      if (!cancelled_ && batch >= released_ + ring) {
        // Asleep until a refill's worth of slots is free, so that the wake-ups are fewer.
        producer_waiting_ = true;
        changed_.wait(lock, [&] { return cancelled_ || slots_free(); });
        producer_waiting_ = false;
      }
      if (cancelled_) return;
    }
    try {
      assemble(batch);
    } catch (...) {
      {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
        failed_.store(true, std::memory_order_release);
      }
      changed_.notify_all();
      return;
    }
    {
      std::lock_guard lock(mutex_);
      ready_.store(batch + 1, std::memory_order_release);
    }
    changed_.notify_all();
  }
}

void EpochStream::assemble(int64_t batch) {
  Slot& slot = slots_[slot_of(batch)];
  // The previous batch in this slot has been released by the loop; its buffer is reused only
  // if the user kept no reference to it (else they keep it, and the slot gets a new one).
  slot.view = {};
  if (!slot.buffer.features.defined() || slot.buffer.features.storage().use_count() > 1 ||
      slot.buffer.targets.storage().use_count() > 1)
    slot.buffer = dataset_->allocate_batch(batch_rows_);
  // batch < size() = ceil(n / batch_size), so start < n: the product cannot overflow.
  const int64_t start = batch * batch_size_;
  const DataLoaderOptions& options = loader_->options_;
  const ReplicaShare share =
      replica_share(std::min(batch_size_, dataset_->size() - start), options.rank, options.num_replicas);
  const int64_t count = share.size();
  Batch view = count == batch_rows_ ? slot.buffer
                                    : Batch{slot.buffer.features.narrow(0, 0, count),
                                            slot.buffer.targets.narrow(0, 0, count)};
  if (count > 0)
    dataset_->get_batch({order_.data<int64_t>() + start + share.begin, static_cast<size_t>(count)}, view.features,
                        view.targets);
  slot.view = std::move(view);
}

void EpochStream::finish_epoch() {
  loader_->epoch_ += 1;
  loader_->position_ = 0;
}

}  // namespace minidl::data::detail
