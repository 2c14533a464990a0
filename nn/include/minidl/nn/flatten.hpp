#pragma once
// Flatten: merges a range of dims, [N, C, H, W] -> [N, C*H*W] by default.
#include <cstdint>
#include <string_view>
#include <tuple>

#include "minidl/core/options.hpp"

#include "minidl/nn/module.hpp"

namespace minidl::nn {

struct FlattenOptions {
  int64_t start_dim = 1;
  int64_t end_dim = -1;
  static constexpr auto fields() {
    return std::tuple{option("start_dim", &FlattenOptions::start_dim, check::any_int, "first dim to merge (0 is the batch)"),
                      option("end_dim", &FlattenOptions::end_dim, check::any_int, "last dim to merge")};
  }
};

/// Flattens dims [start_dim, end_dim] into one; the default keeps the batch dim.
class Flatten : public Module {
 public:
  using Options = FlattenOptions;
  static constexpr std::string_view doc = "merges dims start_dim..end_dim into one";
  explicit Flatten(const FlattenOptions& options = {})
      : start_dim_(options.start_dim), end_dim_(options.end_dim) {}
  explicit Flatten(int64_t start_dim, int64_t end_dim = FlattenOptions{}.end_dim)
      : start_dim_(start_dim), end_dim_(end_dim) {}
  Variable forward(const Variable& input) override;
  std::string extra_repr() const override;

 private:
  int64_t start_dim_;
  int64_t end_dim_;
};

}  // namespace minidl::nn
