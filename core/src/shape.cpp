#include "minidl/core/shape.hpp"

#include <sstream>

#include "minidl/core/error.hpp"

namespace minidl {

void Shape::throw_too_many_dims(int n) {
  throw ShapeError("tensors have at most " + std::to_string(kMaxDims) + " dims, got " + std::to_string(n));
}

namespace {
void check_rank(size_t n) {
  if (n > static_cast<size_t>(Shape::kMaxDims)) Shape::throw_too_many_dims(static_cast<int>(n));
}
}  // namespace

int64_t Shape::numel_past_overflow() const {
  if (std::find(begin(), end(), 0) != end()) return 0;
  throw ValueError("shape " + to_string(*this) + " is too large: it has more than 2^63 - 1 elements");
}

int64_t checked_numel(const Shape& shape, const char* op) {
  int64_t extent = 1, numel = 1;
  for (int64_t d : shape) {
    if (d < 0) throw ShapeError(std::string(op) + ": negative size " + std::to_string(d) + " in shape " + to_string(shape));
    if (__builtin_mul_overflow(extent, std::max<int64_t>(d, 1), &extent))
      throw ValueError(std::string(op) + ": shape " + to_string(shape) +
                       " is too large: the product of its sizes exceeds 2^63 - 1");
    numel *= d;  // <= extent in magnitude, so it cannot overflow
  }
  return numel;
}

Shape::Shape(std::initializer_list<int64_t> dims) {
  check_rank(dims.size());
  std::copy(dims.begin(), dims.end(), dims_.begin());
  size_ = static_cast<int>(dims.size());
}

Shape::Shape(std::span<const int64_t> dims) {
  check_rank(dims.size());
  std::copy(dims.begin(), dims.end(), dims_.begin());
  size_ = static_cast<int>(dims.size());
}

void Shape::insert(int pos, int64_t v) {
  check_rank(static_cast<size_t>(size_) + 1);
  for (int i = size_; i > pos; --i) dims_[static_cast<size_t>(i)] = dims_[static_cast<size_t>(i - 1)];
  dims_[static_cast<size_t>(pos)] = v;
  ++size_;
}

void Shape::erase(int pos) {
  for (int i = pos; i + 1 < size_; ++i) dims_[static_cast<size_t>(i)] = dims_[static_cast<size_t>(i + 1)];
  --size_;
}

std::string to_string(const Shape& shape) {
  std::string s = "[";
  for (int i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  if (a == b) return a;
  const int n = std::max(a.size(), b.size());
  Shape out = Shape::filled(n, 1);
  for (int i = 0; i < n; ++i) {
    const int ia = a.size() - n + i, ib = b.size() - n + i;
    const int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    if (da != db && da != 1 && db != 1)
      throw ShapeError(std::string(op) + ": shapes " + to_string(a) + " and " + to_string(b) +
                       " cannot be broadcast (dim " + std::to_string(i) + ": " + std::to_string(da) +
                       " vs " + std::to_string(db) + ")");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

void detail::throw_dim_error(int64_t dim, int ndim, const char* op) {
  const int64_t lo = ndim == 0 ? -1 : -ndim, hi = ndim == 0 ? 0 : ndim - 1;
  throw IndexError(std::string(op) + ": dim " + std::to_string(dim) + " is out of range for a " +
                   std::to_string(ndim) + "-dim tensor (expected " + std::to_string(lo) + ".." +
                   std::to_string(hi) + ")");
}

}  // namespace minidl
