#include "minidl/optim/param_state.hpp"

#include <algorithm>

namespace minidl::optim {

Tensor& ParamState::buffer(std::string_view name, const Tensor& like, float init) {
  for (auto& [key, value] : buffers_)
    if (key == name) return value;
  buffers_.emplace_back(std::string(name), init == 0.0f ? Tensor::zeros(like.shape())
                                                        : Tensor::full(like.shape(), init));
  return buffers_.back().second;
}

bool ParamState::has(std::string_view name) const {
  return std::any_of(buffers_.begin(), buffers_.end(),
                     [&](const auto& entry) { return entry.first == name; });
}

void ParamState::set_buffer(std::string name, Tensor value) {
  for (auto& [key, existing] : buffers_)
    if (key == name) {
      existing = std::move(value);
      return;
    }
  buffers_.emplace_back(std::move(name), std::move(value));
}

void ParamState::clear() {
  step_ = 0;
  buffers_.clear();
}

}  // namespace minidl::optim
