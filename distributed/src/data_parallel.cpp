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

DataParallel::DataParallel(Communicator comm, nn::Module& model) : comm_(comm), parameters_(model.parameters()) {
  for (const auto& [name, buffer] : model.named_buffers()) buffers_.push_back(buffer);
  size_t total = 0;
  for (const Variable& p : parameters_) total += static_cast<size_t>(p.data().numel());
  flat_.resize(total + 2);
  broadcast_state();
}

double DataParallel::allreduce_gradients(double weight, double value, std::exception_ptr failure) {
  float* out = flat_.data();
  if (!failure) {
    for (const Variable& p : parameters_) {
      const int64_t n = p.data().numel();
      if (p.grad().defined()) {
        const Tensor g = p.grad().contiguous();
        const float* in = g.data<float>();
        const auto w = static_cast<float>(weight);
        for (int64_t i = 0; i < n; ++i) out[i] = w * in[i];
      } else {
        std::fill_n(out, n, 0.0f);
      }
      out += n;
    }
  }
  const size_t slots = flat_.size() - 2;
  flat_[slots] = failure ? 0.0f : static_cast<float>(weight * value);
  flat_[slots + 1] = failure ? 1.0f : 0.0f;
  comm_.allreduce_sum(flat_);
  if (flat_[slots + 1] != 0.0f) raise_if_any_failed(comm_, failure);

  const float* in = flat_.data();
  for (Variable& p : parameters_) {
    Variable param = p;
    if (!param.grad().defined()) param.set_grad(Tensor::zeros(param.data().shape()));
    assign(param.grad(), in);
    in += param.data().numel();
  }
  return flat_[slots];
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
