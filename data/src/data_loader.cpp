#include "minidl/data/data_loader.hpp"

#include <algorithm>
#include <string>

#include "epoch_stream.hpp"
#include "minidl/core/generator.hpp"

namespace minidl::data {

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, const Options& options)
    : dataset_(std::move(dataset)), options_(options) {
  if (!dataset_) throw ValueError("DataLoader: the dataset is null");
  if (dataset_->size() <= 0)
    throw ValueError("DataLoader: the dataset is empty (size " + std::to_string(dataset_->size()) + ")");
  if (options_.batch_size <= 0)
    throw ValueError("DataLoader: batch_size must be positive, got " + std::to_string(options_.batch_size));
  if (options_.num_replicas < 1 || options_.rank < 0 || options_.rank >= options_.num_replicas)
    throw ValueError("DataLoader: rank must be in [0, num_replicas), got rank " + std::to_string(options_.rank) +
                     " of num_replicas " + std::to_string(options_.num_replicas));
  if (options_.batch_size < options_.num_replicas)
    throw ValueError("DataLoader: batch_size (the global batch) must be at least num_replicas, got batch_size " +
                     std::to_string(options_.batch_size) + " for " + std::to_string(options_.num_replicas) +
                     " replicas");
  if (options_.prefetch < 0)
    throw ValueError("DataLoader: prefetch must be >= 0, got " + std::to_string(options_.prefetch));
}

int64_t DataLoader::size() const {
  const int64_t n = dataset_->size();
  const int64_t b = options_.batch_size;
  return options_.drop_last ? n / b : n / b + (n % b != 0);  // ceil(n / b) without n + b - 1 overflowing
}

int64_t DataLoader::global_batch_rows(int64_t batch) const {
  if (batch < 0 || batch >= size())
    throw IndexError("DataLoader::global_batch_rows: batch must be in [0, " + std::to_string(size()) + "), got " +
                     std::to_string(batch));
  return std::min(options_.batch_size, dataset_->size() - batch * options_.batch_size);
}

ReplicaShare replica_share(int64_t rows, int64_t rank, int64_t num_replicas) {
  if (rows < 0 || num_replicas < 1 || rank < 0 || rank >= num_replicas)
    throw ValueError("replica_share: need rows >= 0 and 0 <= rank < num_replicas, got rows " + std::to_string(rows) +
                     ", rank " + std::to_string(rank) + ", num_replicas " + std::to_string(num_replicas));
  const int64_t base = rows / num_replicas, extra = rows % num_replicas;
  const int64_t begin = rank * base + std::min(rank, extra);
  return {begin, begin + base + (rank < extra)};
}

Tensor DataLoader::order(int64_t epoch) const {
  if (!options_.shuffle) return Tensor::arange(dataset_->size(), DType::Int64);
  // One PCG stream per epoch: the order of an epoch never depends on the epochs before it.
  Generator gen(options_.seed, static_cast<uint64_t>(epoch));
  return Tensor::randperm(dataset_->size(), gen);
}

void DataLoader::check_idle(const char* what) const {
  if (iterating_)
    throw ValueError(std::string("DataLoader: ") + what + " while an iteration is live (finish or leave the loop first)");
}

void DataLoader::set_epoch(int64_t epoch) {
  check_idle("set_epoch");
  if (epoch < 0) throw ValueError("DataLoader::set_epoch: epoch must be >= 0, got " + std::to_string(epoch));
  epoch_ = epoch;
  position_ = 0;
}

void DataLoader::set_position(int64_t position) {
  check_idle("set_position");
  if (position < 0 || position > size())
    throw IndexError("DataLoader::set_position: position must be in [0, " + std::to_string(size()) + "], got " +
                     std::to_string(position));
  position_ = position;
}

DataLoader::Iterator DataLoader::begin() {
  check_idle("begin");
  auto stream = std::make_unique<detail::EpochStream>(*this);
  stream->start();
  return Iterator(std::move(stream));
}

DataLoader::Iterator::Iterator(std::unique_ptr<detail::EpochStream> stream) : stream_(std::move(stream)) {}
DataLoader::Iterator::Iterator(Iterator&&) noexcept = default;
DataLoader::Iterator& DataLoader::Iterator::operator=(Iterator&&) noexcept = default;
DataLoader::Iterator::~Iterator() = default;

Batch& DataLoader::Iterator::operator*() const { return stream_->current(); }

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  stream_->advance();
  return *this;
}

bool DataLoader::Iterator::operator==(Sentinel) const { return !stream_ || stream_->done(); }

}  // namespace minidl::data
