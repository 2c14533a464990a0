#pragma once
// ParamState: what an optimizer keeps for one parameter — its update count and named
// buffers (exp_avg, momentum_buffer, ...), created on first use.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "minidl/core/tensor.hpp"

namespace minidl::optim {

class ParamState {
 public:
  /// Updates of this parameter so far, counting the one in progress (1 during the first).
  int64_t step() const { return step_; }
  /// The buffer `name`; on first use created shaped like `like` and filled with `init`.
  Tensor& buffer(std::string_view name, const Tensor& like, float init = 0.0f);
  /// True once the buffer `name` exists (SGD's momentum starts differently the first time).
  bool has(std::string_view name) const;
  /// All buffers, in creation order.
  const std::vector<std::pair<std::string, Tensor>>& buffers() const { return buffers_; }
  /// True before the first update (and after clear()).
  bool empty() const { return step_ == 0 && buffers_.empty(); }

  // Used by Optimizer::step and load_state_dict.
  void set_step(int64_t step) { step_ = step; }
  void set_buffer(std::string name, Tensor value);
  void clear();

 private:
  int64_t step_ = 0;
  std::vector<std::pair<std::string, Tensor>> buffers_;
};

}  // namespace minidl::optim
