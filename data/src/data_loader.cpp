#include "minidl/data/data_loader.hpp"

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
  if (options_.prefetch < 0)
    throw ValueError("DataLoader: prefetch must be >= 0, got " + std::to_string(options_.prefetch));
}

int64_t DataLoader::size() const {
  const int64_t n = dataset_->size();
  const int64_t b = options_.batch_size;
  return options_.drop_last ? n / b : n / b + (n % b != 0);  // ceil(n / b) without n + b - 1 overflowing
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
