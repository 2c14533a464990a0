#pragma once
// Size2: a height and a width (a kernel size, a stride, a padding), as PyTorch's image layers take
// them: one number for both, or a pair.
#include <cstddef>
#include <cstdint>

namespace minidl {

/// (height, width). `Size2(3)` and `.padding = 1` mean both, as PyTorch's `padding=1`; a braced
/// pair `{5, 3}` is (height 5, width 3). A class, not std::array, because an aggregate would take
/// `.padding = 1` as (1, 0) without a word.
class Size2 {
 public:
  constexpr Size2() = default;
  constexpr Size2(int64_t both) : height_(both), width_(both) {}  // NOLINT(google-explicit-constructor)
  constexpr Size2(int64_t height, int64_t width) : height_(height), width_(width) {}

  /// 0 is the height, 1 the width.
  constexpr int64_t operator[](size_t dim) const { return dim == 0 ? height_ : width_; }
  constexpr int64_t& operator[](size_t dim) { return dim == 0 ? height_ : width_; }
  constexpr int64_t height() const { return height_; }
  constexpr int64_t width() const { return width_; }
  friend constexpr bool operator==(const Size2&, const Size2&) = default;

 private:
  int64_t height_ = 0;
  int64_t width_ = 0;
};

}  // namespace minidl
