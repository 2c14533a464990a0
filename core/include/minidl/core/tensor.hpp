#pragma once
// Tensor: a strided view (shape, strides, offset) over shared Storage. Copies of a Tensor
// share the data, as in PyTorch; clone() copies it.
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <span>
#include <vector>

#include "minidl/core/dtype.hpp"
#include "minidl/core/error.hpp"
#include "minidl/core/generator.hpp"
#include "minidl/core/shape.hpp"
#include "minidl/core/storage.hpp"

namespace minidl {

class Tensor {
 public:
  /// An undefined tensor (no storage); defined() is false.
  Tensor() = default;

  // ---- creation -------------------------------------------------------------------------
  // Each throws ShapeError for a negative size, and ValueError naming the function and the
  // shape when the shape is too large to count or to allocate (see checked_nbytes).
  static Tensor empty(const Shape& shape, DType dtype = DType::Float32);
  static Tensor zeros(const Shape& shape, DType dtype = DType::Float32);
  static Tensor ones(const Shape& shape, DType dtype = DType::Float32);
  static Tensor full(const Shape& shape, float value);
  /// 0, 1, ..., n-1 (float32) — or start, start+step, ... below end.
  static Tensor arange(int64_t n, DType dtype = DType::Float32);
  static Tensor arange(float start, float end, float step = 1.0f);
  static Tensor eye(int64_t n);
  /// A 1-D tensor of the values: Tensor::from({1, 2, 3}).
  static Tensor from(std::initializer_list<float> values);
  /// A 2-D tensor from rows of equal length: Tensor::from({{1, 2}, {3, 4}}). One-value rows
  /// ({{1}, {2}}) are ambiguous in C++: write Tensor::from({1, 2}).reshape({2, 1}).
  static Tensor from(std::initializer_list<std::initializer_list<float>> rows);
  /// The values in row-major order, with a shape whose numel must match.
  static Tensor from(std::span<const float> values, const Shape& shape);
  static Tensor from(const std::vector<float>& values, const Shape& shape) {
    return from(std::span<const float>(values), shape);
  }
  /// A 0-dim tensor holding `value`.
  static Tensor scalar(float value);
  /// int64 tensors, for class labels and indices.
  static Tensor from_int64(std::span<const int64_t> values, const Shape& shape);
  static Tensor from_int64(std::initializer_list<int64_t> values);

  static Tensor normal(const Shape& shape, float mean, float std, Generator& gen);
  static Tensor uniform(const Shape& shape, float low, float high, Generator& gen);
  /// PyTorch's names: torch.randn is normal(shape, 0, 1, gen), torch.rand uniform(shape, 0, 1, gen).
  static Tensor randn(const Shape& shape, Generator& gen) { return normal(shape, 0.0f, 1.0f, gen); }
  static Tensor rand(const Shape& shape, Generator& gen) { return uniform(shape, 0.0f, 1.0f, gen); }
  /// Zeros or ones of `like`'s shape and dtype (torch.zeros_like, torch.ones_like).
  static Tensor zeros_like(const Tensor& like) { return zeros(like.shape(), like.dtype()); }
  static Tensor ones_like(const Tensor& like) { return ones(like.shape(), like.dtype()); }
  /// A random permutation of 0..n-1 (int64), by Fisher-Yates on `gen`.
  static Tensor randperm(int64_t n, Generator& gen);

  // ---- metadata --------------------------------------------------------------------------
  bool defined() const { return storage_ != nullptr; }
  /// Drops this handle's reference to the data; the tensor becomes undefined.
  void reset() { storage_.reset(); }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  const Shape& strides() const { return strides_; }
  int64_t offset() const { return offset_; }
  int dim() const { return shape_.size(); }
  /// Size of dim `d` (negative counts from the end).
  int64_t size(int64_t d) const { return shape_[normalize_dim(d, dim(), "size")]; }
  int64_t numel() const { return shape_.numel(); }
  bool is_contiguous() const;
  /// True when both share storage (one may be a view of the other).
  bool shares_storage(const Tensor& other) const { return storage_ == other.storage_; }
  /// This tensor, or a copy of it where it is another view of `dest`'s storage: what an op
  /// writing `dest` element by element reads from it (x.copy_(x.t()), x[1:] += x[:-1]).
  Tensor readable_while_writing(const Tensor& dest) const;
  const std::shared_ptr<Storage>& storage() const { return storage_; }

  // ---- data access -----------------------------------------------------------------------
  /// Pointer to element [0, ..., 0]; checks the dtype. Index with strides() unless contiguous.
  template <class T> T* data();
  template <class T> const T* data() const;
  /// The single value of a one-element tensor (as float; int64 converted).
  float item() const;
  /// Element at a full index, for tests and small programs (bounds-checked).
  float at(std::initializer_list<int64_t> index) const;
  int64_t at_int64(std::initializer_list<int64_t> index) const;
  /// All values in row-major order.
  std::vector<float> to_vector() const;
  std::vector<int64_t> to_int64_vector() const;

  // ---- views (no copy) -------------------------------------------------------------------
  /// Same data under a new shape (one entry may be -1); copies only if not viewable.
  Tensor reshape(const Shape& shape) const;
  /// Like reshape but never copies: throws ShapeError if the strides do not allow it.
  Tensor view(const Shape& shape) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  /// transpose(0, 1) of a 2-D tensor.
  Tensor t() const;
  Tensor permute(const Shape& dims) const;
  /// Elements [start, start+length) along dim.
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  /// Python-style slice along dim: [start, end) with step; negative start/end count from the end.
  Tensor slice(int64_t dim, int64_t start, int64_t end, int64_t step = 1) const;
  /// Index `index` along dim 0 (removing it): t[i].
  Tensor operator[](int64_t index) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  /// Broadcast to `shape` with stride 0 on expanded dims (-1 keeps a size).
  Tensor expand(const Shape& shape) const;
  /// Flattens dims [start, end] into one.
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;

  // ---- copies ----------------------------------------------------------------------------
  /// This tensor if already contiguous, else a contiguous copy.
  Tensor contiguous() const;
  /// A contiguous copy with its own storage.
  Tensor clone() const;
  /// A copy converted to `dtype` (this tensor itself if it already has it).
  Tensor to(DType dtype) const;
  /// Copies `src` (broadcast to this shape) into this tensor's elements, in place.
  Tensor& copy_(const Tensor& src);
  Tensor& fill_(float value);
  Tensor& zero_() { return fill_(0.0f); }

  // ---- in-place arithmetic (broadcasting `other` to this shape) --------------------------
  Tensor& add_(const Tensor& other, float alpha = 1.0f);
  Tensor& sub_(const Tensor& other);
  Tensor& mul_(const Tensor& other);
  Tensor& div_(const Tensor& other);
  Tensor& add_(float value);
  Tensor& sub_(float value);
  Tensor& mul_(float value);
  Tensor& div_(float value);
  Tensor& clamp_(float low, float high);
  Tensor& operator+=(const Tensor& o) { return add_(o); }
  Tensor& operator-=(const Tensor& o) { return sub_(o); }
  Tensor& operator*=(const Tensor& o) { return mul_(o); }
  Tensor& operator/=(const Tensor& o) { return div_(o); }
  Tensor& operator+=(float v) { return add_(v); }
  Tensor& operator-=(float v) { return sub_(v); }
  Tensor& operator*=(float v) { return mul_(v); }
  Tensor& operator/=(float v) { return div_(v); }

  /// Storage version (see Storage::version): how autograd notices in-place changes.
  uint64_t version() const { return storage_ ? storage_->version() : 0; }
  /// Marks this tensor's storage as modified (kernels that write in place call it).
  void bump_version() const { if (storage_) storage_->bump_version(); }

  /// Internal: a view of `storage` with explicit geometry.
  Tensor(std::shared_ptr<Storage> storage, DType dtype, const Shape& shape, const Shape& strides,
         int64_t offset);

 private:
  // A contiguous, uninitialised tensor; size errors name `op`.
  static Tensor allocate(const Shape& shape, DType dtype, const char* op);

  std::shared_ptr<Storage> storage_;
  Shape shape_;
  Shape strides_;
  int64_t offset_ = 0;
  DType dtype_ = DType::Float32;
};

/// Row-major strides of a contiguous tensor of `shape`; throws ValueError naming the shape
/// when a stride does not fit in int64.
Shape contiguous_strides(const Shape& shape);

/// Bytes of a contiguous tensor of `shape` and `dtype`, after checked_numel(shape, op); throws
/// ValueError naming `op`, the shape and the bytes when they exceed 2^63 - 1.
size_t checked_nbytes(const Shape& shape, DType dtype, const char* op);

namespace detail {
[[noreturn]] void throw_dtype_error(const Tensor& t, DType expected, const char* op);
}
/// Throws DTypeError unless `t` is defined with dtype `expected`, naming `op`.
inline void check_dtype(const Tensor& t, DType expected, const char* op) {
  if (!t.defined() || t.dtype() != expected) [[unlikely]]
    detail::throw_dtype_error(t, expected, op);
}

/// Prints like PyTorch: tensor([[-1.2750,  1.5482], ...]).
std::ostream& operator<<(std::ostream& os, const Tensor& t);

template <class T> T* Tensor::data() {
  check_dtype(*this, dtype_of<T>(), "data");
  return static_cast<T*>(storage_->data()) + offset_;
}
template <class T> const T* Tensor::data() const {
  check_dtype(*this, dtype_of<T>(), "data");
  return static_cast<const T*>(storage_->data()) + offset_;
}

}  // namespace minidl
