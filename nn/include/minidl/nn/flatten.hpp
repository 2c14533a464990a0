#pragma once
// Flatten: merges a range of dims, [N, C, H, W] -> [N, C*H*W] by default.
#include <cstdint>

#include "minidl/nn/module.hpp"

namespace minidl::nn {

/// Flattens dims [start_dim, end_dim] into one; the default keeps the batch dim.
class Flatten : public Module {
 public:
  explicit Flatten(int64_t start_dim = 1, int64_t end_dim = -1)
      : start_dim_(start_dim), end_dim_(end_dim) {}
  Variable forward(const Variable& input) override;
  std::string name() const override { return "Flatten"; }
  std::string extra_repr() const override;

 private:
  int64_t start_dim_;
  int64_t end_dim_;
};

}  // namespace minidl::nn
