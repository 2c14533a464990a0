#pragma once
// EpochStream: the batches of one epoch of a DataLoader, from its current position, assembled
// either on demand (prefetch 0) or ahead of time by one producer thread into a ring of buffers.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "minidl/data/data_loader.hpp"

namespace minidl::data::detail {

class EpochStream {
 public:
  /// How long a consumer watches for a batch in the making before it sleeps until woken.
  static constexpr std::chrono::microseconds kWatchBeforeSleeping{100};

  /// Marks `loader` as iterating; start() then produces the first batch.
  explicit EpochStream(DataLoader& loader);
  /// Cancels the producer (it finishes the batch in hand), joins it, frees the loader.
  ~EpochStream();
  EpochStream(const EpochStream&) = delete;
  EpochStream& operator=(const EpochStream&) = delete;

  /// Starts the producer and takes the first batch (or ends the epoch if none is left).
  void start();
  bool done() const { return current_ >= end_; }
  Batch& current() { return slots_[slot_of(current_)].view; }
  /// Releases the current batch and takes the next, or ends the epoch.
  void advance();

 private:
  // A full-size batch buffer and the view of it handed out (narrower for a short last batch).
  struct Slot {
    Batch buffer;
    Batch view;
  };

  size_t slot_of(int64_t batch) const { return static_cast<size_t>(batch % static_cast<int64_t>(slots_.size())); }
  void assemble(int64_t batch);
  void produce(int64_t first);
  void take(int64_t batch);
  void finish_epoch();
  // Whether the producer's next `refill_` batches (or those left) have free slots; under mutex_.
  // The batch the consumer waits for is always among them, so neither waits for the other.
  bool slots_free() const {
    const int64_t last = std::min(next_ + refill_, end_) - 1;
    return last < released_ + static_cast<int64_t>(slots_.size());
  }

  DataLoader* loader_;
  std::shared_ptr<const Dataset> dataset_;
  Tensor order_;
  int64_t batch_size_;
  int64_t current_;
  int64_t end_;
  bool background_;
  int64_t batch_rows_;  // rows of a batch buffer

  std::vector<Slot> slots_;
  int64_t refill_;  // batches the producer assembles per wake-up: half the batches it may hold ahead

  // Shared with the producer thread, under mutex_.
  std::mutex mutex_;
  std::condition_variable changed_;
  int64_t released_ = 0;  // batches below this are no longer used by the consumer
  // Batches below this are assembled; written under mutex_, also read without it by a consumer
  // watching for its batch, as is failed_ (error_ is set).
  std::atomic<int64_t> ready_ = 0;
  std::atomic<bool> failed_ = false;
  int64_t next_ = 0;       // the batch the producer assembles next
  bool producer_waiting_ = false;
  bool cancelled_ = false;
  std::exception_ptr error_;
  std::thread producer_;
};

}  // namespace minidl::data::detail
