#pragma once
// Shape: the sizes (or strides) of a tensor, stored inline so that creating a tensor
// never allocates for its metadata.
#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

namespace minidl {

/// Up to kMaxDims int64 values kept inline; the interface of a small std::vector.
class Shape {
 public:
  static constexpr int kMaxDims = 8;

  Shape() = default;
  Shape(std::initializer_list<int64_t> dims);
  explicit Shape(std::span<const int64_t> dims);
  Shape(const std::vector<int64_t>& dims) : Shape(std::span<const int64_t>(dims)) {}
  /// `n` copies of `value`.
  static Shape filled(int n, int64_t value) {
    Shape s;
    s.resize(n, value);
    return s;
  }

  int size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t& operator[](int i) { return dims_[static_cast<size_t>(i)]; }
  int64_t operator[](int i) const { return dims_[static_cast<size_t>(i)]; }
  int64_t back() const { return dims_[static_cast<size_t>(size_ - 1)]; }
  const int64_t* begin() const { return dims_.data(); }
  const int64_t* end() const { return dims_.data() + size_; }
  int64_t* begin() { return dims_.data(); }
  int64_t* end() { return dims_.data() + size_; }
  const int64_t* data() const { return dims_.data(); }

  void push_back(int64_t v) {
    if (size_ >= kMaxDims) throw_too_many_dims(size_ + 1);
    dims_[static_cast<size_t>(size_++)] = v;
  }
  void insert(int pos, int64_t v);
  void erase(int pos);
  void resize(int n, int64_t value = 0) {
    if (n > kMaxDims) throw_too_many_dims(n);
    for (int i = size_; i < n; ++i) dims_[static_cast<size_t>(i)] = value;
    size_ = n;
  }

  /// Product of the entries (1 for an empty shape: a scalar has one element). Throws
  /// ValueError naming the shape when the product does not fit in int64.
  int64_t numel() const {
    int64_t n = 1;
    bool overflow = false;
    for (int i = 0; i < size_; ++i) overflow |= __builtin_mul_overflow(n, dims_[static_cast<size_t>(i)], &n);
    return overflow ? numel_past_overflow() : n;
  }
  std::vector<int64_t> to_vector() const { return {begin(), end()}; }

  friend bool operator==(const Shape& a, const Shape& b) {
    return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
  }

 /// Internal: the ShapeError for a rank above kMaxDims.
  [[noreturn]] static void throw_too_many_dims(int n);

 private:
  // numel() once a partial product overflowed: 0 if a later dim is 0, else ValueError.
  int64_t numel_past_overflow() const;

  std::array<int64_t, kMaxDims> dims_{};
  int size_ = 0;
};

/// "[2, 3]" — the form error messages and printing use.
std::string to_string(const Shape& shape);

/// numel() of a shape that is to describe a tensor: throws ShapeError naming `op` for a
/// negative dim, and ValueError naming `op` and the shape when the product of the dims, each
/// counted as at least 1 (the largest stride needs it even when a dim is 0), exceeds int64.
int64_t checked_numel(const Shape& shape, const char* op);

/// PyTorch broadcasting of two shapes; throws ShapeError naming `op` and both shapes.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

namespace detail {
[[noreturn]] void throw_dim_error(int64_t dim, int ndim, const char* op);
}
/// Maps a possibly negative dim into [0, ndim); throws IndexError naming `op`.
inline int normalize_dim(int64_t dim, int ndim, const char* op) {
  if (ndim == 0 && (dim == 0 || dim == -1)) return 0;  // a 0-dim tensor accepts dim 0 / -1, as in PyTorch
  if (dim < -ndim || dim >= ndim) detail::throw_dim_error(dim, ndim, op);
  return static_cast<int>(dim < 0 ? dim + ndim : dim);
}

}  // namespace minidl
