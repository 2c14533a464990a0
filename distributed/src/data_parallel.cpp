#include "minidl/distributed/data_parallel.hpp"

#include <algorithm>
#include <cstring>

#include "minidl/distributed/failure.hpp"

namespace minidl::distributed {

namespace {

// Writes `values` (numel floats) into `target` in place, whatever its strides.
void assign(Tensor& target, const float* values) {
  if (target.is_contiguous()) {
    std::copy_n(values, target.numel(), target.data<float>());
    return;
  }
  target.copy_(Tensor::from(std::span(values, static_cast<size_t>(target.numel())), target.shape()));
}

}  // namespace

double batch_weight(const data::DataLoader& loader) {
  const int64_t batch = loader.position() - 1;
  const int64_t global = loader.global_batch_rows(batch);
  const auto& options = loader.options();
  return static_cast<double>(data::replica_share(global, options.rank, options.num_replicas).size()) /
         static_cast<double>(global);
}

DataParallel::DataParallel(Communicator comm, nn::Module& model, Options options)
    : comm_(comm), options_(options), parameters_(model.parameters()), tail_(2) {
  for (const auto& [name, buffer] : model.named_buffers()) buffers_.push_back(buffer);
  // Until the first step shows backward's order: reverse registration order, which backward
  // roughly follows (the last layers' gradients come first).
  std::vector<size_t> order(parameters_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = order.size() - 1 - i;
  layout_buckets(order);
  for (size_t i = 0; i < parameters_.size(); ++i)
    hooks_.push_back(parameters_[i].add_grad_ready_hook([this, i](const Tensor& grad) { on_grad_ready(i, grad); }));
  broadcast_state();
}

void DataParallel::layout_buckets(const std::vector<size_t>& order) {
  buckets_.clear();
  slots_.assign(parameters_.size(), Slot{});
  const size_t capacity = std::max<size_t>(options_.bucket_bytes / sizeof(float), 1);
  size_t size = 0;
  for (const size_t i : order) {
    const auto n = static_cast<size_t>(parameters_[i].data().numel());
    if (buckets_.empty() || (size > 0 && size + n > capacity)) {
      if (!buckets_.empty()) buckets_.back().values.resize(size);
      buckets_.emplace_back();
      size = 0;
    }
    slots_[i] = {buckets_.size() - 1, size, false};
    ++buckets_.back().slots;
    size += n;
  }
  if (!buckets_.empty()) buckets_.back().values.resize(size);
}

void DataParallel::follow_backward_order() {
  // Rank 0's order for every process: the buckets (the collectives) must match everywhere.
  std::vector<uint8_t> bytes(ready_order_.size() * sizeof(uint32_t));
  for (size_t k = 0; k < ready_order_.size(); ++k) {
    const auto slot = static_cast<uint32_t>(ready_order_[k]);
    std::memcpy(bytes.data() + k * sizeof(uint32_t), &slot, sizeof slot);
  }
  comm_.broadcast(bytes);
  std::vector<size_t> order;
  std::vector<bool> placed(parameters_.size(), false);
  for (size_t k = 0; k + sizeof(uint32_t) <= bytes.size(); k += sizeof(uint32_t)) {
    uint32_t slot = 0;
    std::memcpy(&slot, bytes.data() + k, sizeof slot);
    if (slot < placed.size() && !placed[slot]) order.push_back(slot), placed[slot] = true;
  }
  // Parameters whose gradient did not come in that step (unused, frozen) go last.
  for (size_t i = parameters_.size(); i-- > 0;)
    if (!placed[i]) order.push_back(i);
  layout_buckets(order);
  ready_order_.clear();
  ordered_ = true;
}

DataParallel::~DataParallel() {
  for (size_t i = 0; i < hooks_.size(); ++i) parameters_[i].remove_grad_ready_hook(hooks_[i]);
}

void DataParallel::expect_backward(double weight) {
  if (!options_.overlap) return;
  if (expected_ || started_ > 0)
    throw Error("DataParallel::expect_backward: called twice without allreduce_gradients in between");
  expected_ = weight;
}

void DataParallel::expect_backward(const data::DataLoader& loader) { expect_backward(batch_weight(loader)); }

void DataParallel::on_grad_ready(size_t slot, const Tensor& grad) {
  if (!expected_) return;
  if (slots_[slot].filled)
    throw Error("DataParallel: the gradient of parameter " + std::to_string(slot) +
                " was ready twice after one expect_backward (call it before each backward, or not at all to "
                "accumulate several backwards)");
  if (!ordered_) ready_order_.push_back(slot);
  fill(slot, grad, static_cast<float>(*expected_));
  start_buckets(false);
  pending_.progress();
}

void DataParallel::fill(size_t slot, const Tensor& grad, float weight) {
  Slot& s = slots_[slot];
  Bucket& bucket = buckets_[s.bucket];
  float* out = bucket.values.data() + s.offset;
  const int64_t n = parameters_[slot].data().numel();
  if (grad.defined()) {
    const Tensor g = grad.contiguous();
    const float* in = g.data<float>();
    for (int64_t i = 0; i < n; ++i) out[i] = weight * in[i];
  } else {
    std::fill_n(out, n, 0.0f);
  }
  s.filled = true;
  ++bucket.filled;
}

void DataParallel::start_buckets(bool all) {
  while (started_ < buckets_.size() && (all || buckets_[started_].filled == buckets_[started_].slots))
    pending_.start(buckets_[started_++].values);
}

void DataParallel::reset_step() {
  expected_.reset();
  started_ = 0;
  for (Slot& s : slots_) s.filled = false;
  for (Bucket& b : buckets_) b.filled = 0;
}

double DataParallel::allreduce_gradients(double weight, double value, std::exception_ptr failure) {
  if (!failure && expected_ && *expected_ != weight)
    failure = std::make_exception_ptr(Error("DataParallel::allreduce_gradients: weight " + std::to_string(weight) +
                                            " differs from expect_backward's " + std::to_string(*expected_)));
  // Every process starts every bucket, in the same order, even a failing one (whose values
  // then do not matter): the collectives must match.
  if (!failure)
    for (size_t i = 0; i < slots_.size(); ++i)
      if (!slots_[i].filled) fill(i, parameters_[i].grad(), static_cast<float>(weight));
  start_buckets(true);
  tail_ = {failure ? 0.0f : static_cast<float>(weight * value), failure ? 1.0f : 0.0f};
  pending_.start(tail_);
  try {
    pending_.wait_all();
  } catch (...) {
    reset_step();
    throw;
  }
  reset_step();
  if (tail_[1] != 0.0f) raise_if_any_failed(comm_, failure);

  for (size_t i = 0; i < parameters_.size(); ++i) {
    Variable& param = parameters_[i];
    if (!param.grad().defined()) param.set_grad(Tensor::zeros(param.data().shape()));
    assign(param.grad(), buckets_[slots_[i].bucket].values.data() + slots_[i].offset);
  }
  if (!ordered_) follow_backward_order();
  return tail_[0];
}

double DataParallel::allreduce_gradients(const data::DataLoader& loader, double value) {
  return allreduce_gradients(batch_weight(loader), value);
}

void DataParallel::average_buffers() {
  std::vector<float> values;
  for (const Tensor& b : buffers_) {
    if (b.dtype() != DType::Float32) continue;
    const Tensor c = b.contiguous();
    values.insert(values.end(), c.data<float>(), c.data<float>() + c.numel());
  }
  if (values.empty()) return;
  comm_.allreduce_sum(values);
  const float scale = 1.0f / static_cast<float>(comm_.size());
  for (float& v : values) v *= scale;
  const float* in = values.data();
  for (Tensor& b : buffers_) {
    if (b.dtype() != DType::Float32) continue;
    assign(b, in);
    in += b.numel();
  }
}

void DataParallel::broadcast_state() {
  // Rank 0's values into every process's tensors, in place: modules keep their handles.
  auto broadcast = [&](Tensor& t) {
    Tensor c = t.is_contiguous() ? t : t.contiguous();
    void* data = c.dtype() == DType::Float32 ? static_cast<void*>(c.data<float>()) : static_cast<void*>(c.data<int64_t>());
    comm_.broadcast(std::span(static_cast<std::byte*>(data), static_cast<size_t>(c.numel()) * dtype_size(c.dtype())));
    if (!c.shares_storage(t)) t.copy_(c);
  };
  for (Variable& p : parameters_) broadcast(p.data());
  for (Tensor& b : buffers_) broadcast(b);
}

}  // namespace minidl::distributed
