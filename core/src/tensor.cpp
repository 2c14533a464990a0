#include "minidl/core/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <utility>
#include <vector>

#include "minidl/core/parallel.hpp"
#include "strided.hpp"

namespace minidl {

Shape contiguous_strides(const Shape& shape) {
  Shape strides = Shape::filled(shape.size(), 1);
  for (int i = shape.size() - 2; i >= 0; --i)
    if (__builtin_mul_overflow(strides[i + 1], std::max<int64_t>(shape[i + 1], 1), &strides[i]))
      throw ValueError("contiguous_strides: shape " + to_string(shape) + " is too large: its strides exceed 2^63 - 1");
  return strides;
}

size_t checked_nbytes(const Shape& shape, DType dtype, const char* op) {
  int64_t nbytes = 0;
  if (__builtin_mul_overflow(checked_numel(shape, op), static_cast<int64_t>(dtype_size(dtype)), &nbytes))
    throw ValueError(std::string(op) + ": a " + dtype_name(dtype) + " tensor of shape " + to_string(shape) +
                     " is too large: it needs more than 2^63 - 1 bytes");
  return static_cast<size_t>(nbytes);
}

void detail::throw_dtype_error(const Tensor& t, DType expected, const char* op) {
  if (!t.defined()) throw Error(std::string(op) + ": the tensor is undefined");
  throw DTypeError(std::string(op) + ": expected a " + dtype_name(expected) + " tensor, got " +
                   dtype_name(t.dtype()) + " of shape " + to_string(t.shape()));
}

Tensor::Tensor(std::shared_ptr<Storage> storage, DType dtype, const Shape& shape, const Shape& strides,
               int64_t offset)
    : storage_(std::move(storage)), shape_(shape), strides_(strides), offset_(offset), dtype_(dtype) {}

// ---- creation ---------------------------------------------------------------------------

Tensor Tensor::allocate(const Shape& shape, DType dtype, const char* op) {
  const size_t nbytes = checked_nbytes(shape, dtype, op);
  std::shared_ptr<Storage> storage;
  try {
    storage = std::make_shared<Storage>(nbytes);
  } catch (const ValueError& e) {
    throw ValueError(std::string(op) + ": a " + dtype_name(dtype) + " tensor of shape " + to_string(shape) + ": " +
                     e.what());
  }
  return Tensor(std::move(storage), dtype, shape, contiguous_strides(shape), 0);
}

Tensor Tensor::empty(const Shape& shape, DType dtype) { return allocate(shape, dtype, "empty"); }

Tensor Tensor::zeros(const Shape& shape, DType dtype) {
  Tensor t = allocate(shape, dtype, "zeros");
  std::memset(t.storage_->data(), 0, t.storage_->nbytes());
  return t;
}

Tensor Tensor::ones(const Shape& shape, DType dtype) {
  Tensor t = allocate(shape, dtype, "ones");
  if (dtype == DType::Float32) std::fill_n(t.data<float>(), t.numel(), 1.0f);
  else std::fill_n(t.data<int64_t>(), t.numel(), int64_t{1});
  return t;
}

Tensor Tensor::full(const Shape& shape, float value) {
  Tensor t = allocate(shape, DType::Float32, "full");
  std::fill_n(t.data<float>(), t.numel(), value);
  return t;
}

Tensor Tensor::arange(int64_t n, DType dtype) {
  if (n < 0) throw ValueError("arange: n must be >= 0, got " + std::to_string(n));
  Tensor t = allocate({n}, dtype, "arange");
  if (dtype == DType::Float32) std::iota(t.data<float>(), t.data<float>() + n, 0.0f);
  else std::iota(t.data<int64_t>(), t.data<int64_t>() + n, int64_t{0});
  return t;
}

Tensor Tensor::arange(float start, float end, float step) {
  if (step == 0.0f) throw ValueError("arange: step must be non-zero");
  const double count = std::max(0.0, std::ceil((static_cast<double>(end) - start) / step));
  // Compared as doubles: converting a count beyond int64 (or NaN's) would be undefined.
  if (!(count < 0x1p63))
    throw ValueError("arange: [" + std::to_string(start) + ", " + std::to_string(end) + ") with step " +
                     std::to_string(step) + " has too many elements to count");
  const auto n = static_cast<int64_t>(count);
  Tensor t = allocate({n}, DType::Float32, "arange");
  float* p = t.data<float>();
  for (int64_t i = 0; i < n; ++i) p[i] = start + static_cast<float>(i) * step;
  return t;
}

Tensor Tensor::eye(int64_t n) {
  Tensor t = allocate({n, n}, DType::Float32, "eye");
  t.zero_();
  float* p = t.data<float>();
  for (int64_t i = 0; i < n; ++i) p[i * n + i] = 1.0f;
  return t;
}

Tensor Tensor::from(std::initializer_list<float> values) {
  return from(std::span<const float>(values.begin(), values.size()), {static_cast<int64_t>(values.size())});
}

Tensor Tensor::from(std::initializer_list<std::initializer_list<float>> rows) {
  const auto n = static_cast<int64_t>(rows.size());
  const int64_t m = n ? static_cast<int64_t>(rows.begin()->size()) : 0;
  Tensor t = empty({n, m});
  float* p = t.data<float>();
  int64_t r = 0;
  for (const auto& row : rows) {
    if (static_cast<int64_t>(row.size()) != m)
      throw ShapeError("Tensor::from: row " + std::to_string(r) + " has " + std::to_string(row.size()) +
                       " values, expected " + std::to_string(m) + " like row 0");
    std::copy(row.begin(), row.end(), p + r * m);
    ++r;
  }
  return t;
}

Tensor Tensor::from(std::span<const float> values, const Shape& shape) {
  if (static_cast<int64_t>(values.size()) != checked_numel(shape, "Tensor::from"))
    throw ShapeError("Tensor::from: " + std::to_string(values.size()) + " values do not fill shape " +
                     to_string(shape) + " (" + std::to_string(shape.numel()) + " elements)");
  Tensor t = empty(shape);
  std::copy(values.begin(), values.end(), t.data<float>());
  return t;
}

Tensor Tensor::scalar(float value) {
  Tensor t = empty({});
  *t.data<float>() = value;
  return t;
}

Tensor Tensor::from_int64(std::span<const int64_t> values, const Shape& shape) {
  if (static_cast<int64_t>(values.size()) != checked_numel(shape, "Tensor::from_int64"))
    throw ShapeError("Tensor::from_int64: " + std::to_string(values.size()) + " values do not fill shape " +
                     to_string(shape));
  Tensor t = empty(shape, DType::Int64);
  std::copy(values.begin(), values.end(), t.data<int64_t>());
  return t;
}

Tensor Tensor::from_int64(std::initializer_list<int64_t> values) {
  return from_int64(std::span<const int64_t>(values.begin(), values.size()), {static_cast<int64_t>(values.size())});
}

Tensor Tensor::normal(const Shape& shape, float mean, float std, Generator& gen) {
  if (!(std >= 0.0f)) throw ValueError("normal: std must be >= 0, got " + std::to_string(std));
  Tensor t = allocate(shape, DType::Float32, "normal");
  gen.fill_normal({t.data<float>(), static_cast<size_t>(t.numel())}, mean, std);
  return t;
}

Tensor Tensor::uniform(const Shape& shape, float low, float high, Generator& gen) {
  if (!(low <= high))
    throw ValueError("uniform: low must be <= high, got " + std::to_string(low) + " and " + std::to_string(high));
  Tensor t = allocate(shape, DType::Float32, "uniform");
  float* p = t.data<float>();
  for (int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = low + (high - low) * gen.uniform();
  return t;
}

Tensor Tensor::randperm(int64_t n, Generator& gen) {
  Tensor t = arange(n, DType::Int64);
  int64_t* p = t.data<int64_t>();
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(p[i], p[static_cast<int64_t>(gen.below(static_cast<uint64_t>(i + 1)))]);
  return t;
}

// ---- metadata and access ----------------------------------------------------------------

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (int i = dim() - 1; i >= 0; --i) {
    if (shape_[i] == 1) continue;
    if (strides_[i] != expected) return false;
    expected *= shape_[i];
  }
  return true;
}

namespace {
int64_t element_offset(const Tensor& t, std::initializer_list<int64_t> index, const char* op) {
  if (static_cast<int>(index.size()) != t.dim())
    throw IndexError(std::string(op) + ": " + std::to_string(index.size()) + " indices for a tensor of shape " +
                     to_string(t.shape()));
  int64_t off = t.offset();
  int d = 0;
  for (int64_t i : index) {
    if (i < -t.shape()[d] || i >= t.shape()[d])
      throw IndexError(std::string(op) + ": index " + std::to_string(i) + " is out of range for dim " +
                       std::to_string(d) + " of size " + std::to_string(t.shape()[d]));
    off += (i < 0 ? i + t.shape()[d] : i) * t.strides()[d];
    ++d;
  }
  return off;
}
}  // namespace

float Tensor::item() const {
  if (!defined()) throw Error("item: the tensor is undefined");
  if (numel() != 1)
    throw ShapeError("item: only one-element tensors convert to a number, got shape " + to_string(shape_));
  if (dtype_ == DType::Int64) return static_cast<float>(*(static_cast<const int64_t*>(storage_->data()) + offset_));
  return *(static_cast<const float*>(storage_->data()) + offset_);
}

float Tensor::at(std::initializer_list<int64_t> index) const {
  check_dtype(*this, DType::Float32, "at");
  return static_cast<const float*>(storage_->data())[element_offset(*this, index, "at")];
}

int64_t Tensor::at_int64(std::initializer_list<int64_t> index) const {
  check_dtype(*this, DType::Int64, "at_int64");
  return static_cast<const int64_t*>(storage_->data())[element_offset(*this, index, "at_int64")];
}

std::vector<float> Tensor::to_vector() const {
  if (dtype_ == DType::Int64) {
    std::vector<int64_t> v = to_int64_vector();
    return {v.begin(), v.end()};
  }
  Tensor c = contiguous();
  return {c.data<float>(), c.data<float>() + c.numel()};
}

std::vector<int64_t> Tensor::to_int64_vector() const {
  Tensor c = to(DType::Int64).contiguous();
  return {c.data<int64_t>(), c.data<int64_t>() + c.numel()};
}

// ---- views ------------------------------------------------------------------------------

namespace {
// The shape with a single -1 inferred from numel; throws ShapeError otherwise.
Shape infer_shape(const Shape& requested, int64_t numel, const Shape& from, const char* op) {
  Shape shape = requested;
  int infer = -1;
  for (int i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0) throw ShapeError(std::string(op) + ": only one dim may be -1 in " + to_string(requested));
      infer = i;
      shape[i] = 1;  // while the known sizes are multiplied
    } else if (shape[i] < 0) {
      throw ShapeError(std::string(op) + ": invalid size " + std::to_string(shape[i]) + " in " + to_string(requested));
    }
  }
  // Checked, so that no view's strides can overflow; the inferred size keeps the product
  // within numel.
  const int64_t known = checked_numel(shape, op);
  if (infer >= 0) {
    if (known == 0 || numel % known != 0)
      throw ShapeError(std::string(op) + ": shape " + to_string(requested) + " is invalid for input of shape " +
                       to_string(from) + " (" + std::to_string(numel) + " elements)");
    shape[infer] = numel / known;
  } else if (known != numel) {
    throw ShapeError(std::string(op) + ": shape " + to_string(requested) + " is invalid for input of shape " +
                     to_string(from) + " (" + std::to_string(numel) + " elements)");
  }
  return shape;
}

// Strides for viewing (shape, strides) as new_shape without copying, if possible (PyTorch's
// computeStride): groups of old dims that are contiguous among themselves map onto new dims.
bool view_strides(const Shape& shape, const Shape& strides, const Shape& new_shape, Shape& out) {
  out = Shape::filled(new_shape.size(), 1);
  if (shape.numel() == 0) {
    out = contiguous_strides(new_shape);
    return true;
  }
  int view_d = new_shape.size() - 1;
  int64_t chunk_base_stride = strides.size() ? strides.back() : 1;
  int64_t tensor_numel = 1, view_numel = 1;
  for (int d = shape.size() - 1; d >= 0; --d) {
    tensor_numel *= shape[d];
    if (d == 0 || (shape[d - 1] != 1 && strides[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || new_shape[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base_stride;
        view_numel *= new_shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return false;
      if (d > 0) {
        chunk_base_stride = strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  return view_d == -1;
}
}  // namespace

Tensor Tensor::view(const Shape& shape) const {
  const Shape target = infer_shape(shape, numel(), shape_, "view");
  Shape strides;
  if (!view_strides(shape_, strides_, target, strides))
    throw ShapeError("view: a tensor of shape " + to_string(shape_) + " with strides " + to_string(strides_) +
                     " cannot be viewed as " + to_string(target) + " without a copy; use reshape");
  return Tensor(storage_, dtype_, target, strides, offset_);
}

Tensor Tensor::reshape(const Shape& shape) const {
  const Shape target = infer_shape(shape, numel(), shape_, "reshape");
  Shape strides;
  if (view_strides(shape_, strides_, target, strides)) return Tensor(storage_, dtype_, target, strides, offset_);
  Tensor c = contiguous();
  return Tensor(c.storage_, dtype_, target, contiguous_strides(target), c.offset_);
}

Tensor Tensor::transpose(int64_t dim0, int64_t dim1) const {
  const int a = normalize_dim(dim0, dim(), "transpose"), b = normalize_dim(dim1, dim(), "transpose");
  Tensor t = *this;
  if (dim() == 0) return t;
  std::swap(t.shape_[a], t.shape_[b]);
  std::swap(t.strides_[a], t.strides_[b]);
  return t;
}

Tensor Tensor::t() const {
  if (dim() > 2) throw ShapeError("t: expects a tensor with <= 2 dims, got shape " + to_string(shape_));
  return dim() < 2 ? *this : transpose(0, 1);
}

Tensor Tensor::permute(const Shape& dims) const {
  if (dims.size() != dim())
    throw ShapeError("permute: " + to_string(dims) + " does not name each dim of a tensor of shape " + to_string(shape_) + " once");
  Tensor t = *this;
  std::array<bool, Shape::kMaxDims> seen{};
  for (int i = 0; i < dim(); ++i) {
    const int d = normalize_dim(dims[i], dim(), "permute");
    if (seen[static_cast<size_t>(d)])
      throw ShapeError("permute: dim " + std::to_string(d) + " repeats in " + to_string(dims));
    seen[static_cast<size_t>(d)] = true;
    t.shape_[i] = shape_[d];
    t.strides_[i] = strides_[d];
  }
  return t;
}

Tensor Tensor::narrow(int64_t dim_, int64_t start, int64_t length) const {
  const int d = normalize_dim(dim_, dim(), "narrow");
  if (start < 0) start += shape_[d];
  if (start < 0 || length < 0 || start > shape_[d] || length > shape_[d] - start)
    throw IndexError("narrow: start " + std::to_string(start) + " and length " + std::to_string(length) +
                     " are out of range for dim " + std::to_string(d) + " of size " + std::to_string(shape_[d]));
  Tensor t = *this;
  t.shape_[d] = length;
  t.offset_ += start * strides_[d];
  return t;
}

Tensor Tensor::slice(int64_t dim_, int64_t start, int64_t end, int64_t step) const {
  const int d = normalize_dim(dim_, dim(), "slice");
  if (step <= 0) throw ValueError("slice: step must be positive, got " + std::to_string(step));
  const int64_t n = shape_[d];
  auto clampi = [n](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + n : i, 0, n); };
  start = clampi(start);
  end = std::max(clampi(end), start);
  Tensor t = *this;
  t.shape_[d] = (end - start) / step + ((end - start) % step != 0);
  // A step past the end leaves at most one element, whose stride is never used: capping it
  // keeps the stride product within the dim's extent.
  t.strides_[d] = strides_[d] * std::min(step, std::max<int64_t>(n, 1));
  t.offset_ += start * strides_[d];
  return t;
}

Tensor Tensor::select(int64_t dim_, int64_t index) const {
  const int d = normalize_dim(dim_, dim(), "select");
  if (index < -shape_[d] || index >= shape_[d])
    throw IndexError("select: index " + std::to_string(index) + " is out of range for dim " + std::to_string(d) +
                     " of size " + std::to_string(shape_[d]));
  if (index < 0) index += shape_[d];
  Tensor t = *this;
  t.offset_ += index * strides_[d];
  t.shape_.erase(d);
  t.strides_.erase(d);
  return t;
}

Tensor Tensor::operator[](int64_t index) const {
  if (dim() == 0) throw IndexError("operator[]: a 0-dim tensor cannot be indexed");
  return select(0, index);
}

Tensor Tensor::squeeze() const {
  Tensor t = *this;
  for (int i = t.dim() - 1; i >= 0; --i)
    if (t.shape_[i] == 1) {
      t.shape_.erase(i);
      t.strides_.erase(i);
    }
  return t;
}

Tensor Tensor::squeeze(int64_t dim_) const {
  const int d = normalize_dim(dim_, dim(), "squeeze");
  if (dim() == 0 || shape_[d] != 1) return *this;
  Tensor t = *this;
  t.shape_.erase(d);
  t.strides_.erase(d);
  return t;
}

Tensor Tensor::unsqueeze(int64_t dim_) const {
  const int d = normalize_dim(dim_, dim() + 1, "unsqueeze");
  Tensor t = *this;
  const int64_t stride = d < dim() ? shape_[d] * strides_[d] : 1;
  t.shape_.insert(d, 1);
  t.strides_.insert(d, stride);
  return t;
}

Tensor Tensor::expand(const Shape& shape) const {
  if (shape.size() < dim())
    throw ShapeError("expand: cannot expand shape " + to_string(shape_) + " to fewer dims " + to_string(shape));
  Tensor t = *this;
  t.shape_ = shape;
  t.strides_ = Shape::filled(shape.size(), 0);
  const int lead = shape.size() - dim();
  for (int i = 0; i < shape.size(); ++i) {
    const int src = i - lead;
    if (src < 0) {
      if (shape[i] < 0) throw ShapeError("expand: -1 is not allowed for a new leading dim in " + to_string(shape));
      continue;
    }
    const int64_t want = shape[i] == -1 ? shape_[src] : shape[i];
    if (want < 0) throw ShapeError("expand: invalid size " + std::to_string(want) + " in " + to_string(shape));
    if (shape_[src] == want) {
      t.shape_[i] = want;
      t.strides_[i] = strides_[src];
    } else if (shape_[src] == 1) {
      t.shape_[i] = want;
    } else {
      throw ShapeError("expand: shape " + to_string(shape_) + " cannot be expanded to " + to_string(shape) +
                       " (dim " + std::to_string(i) + ": " + std::to_string(shape_[src]) + " vs " +
                       std::to_string(want) + ")");
    }
  }
  checked_numel(t.shape_, "expand");
  return t;
}

Tensor Tensor::flatten(int64_t start_dim, int64_t end_dim) const {
  if (dim() == 0) return reshape({1});
  const int s = normalize_dim(start_dim, dim(), "flatten"), e = normalize_dim(end_dim, dim(), "flatten");
  if (s > e) throw ShapeError("flatten: start_dim " + std::to_string(start_dim) + " is after end_dim " + std::to_string(end_dim));
  Shape shape;
  for (int i = 0; i < s; ++i) shape.push_back(shape_[i]);
  int64_t n = 1;
  for (int i = s; i <= e; ++i) n *= shape_[i];
  shape.push_back(n);
  for (int i = e + 1; i < dim(); ++i) shape.push_back(shape_[i]);
  return reshape(shape);
}

// ---- copies -----------------------------------------------------------------------------

Tensor Tensor::contiguous() const {
  if (!defined()) throw Error("contiguous: the tensor is undefined");
  return is_contiguous() ? *this : clone();
}

Tensor Tensor::clone() const {
  if (!defined()) throw Error("clone: the tensor is undefined");
  Tensor out = empty(shape_, dtype_);
  out.copy_(*this);
  return out;
}

Tensor Tensor::to(DType dtype) const {
  if (dtype == dtype_) return *this;
  Tensor src = contiguous();
  Tensor out = empty(shape_, dtype);
  const int64_t n = numel();
  if (dtype == DType::Float32) {
    const int64_t* s = src.data<int64_t>();
    float* d = out.data<float>();
    for (int64_t i = 0; i < n; ++i) d[i] = static_cast<float>(s[i]);
  } else {
    const float* s = src.data<float>();
    int64_t* d = out.data<int64_t>();
    for (int64_t i = 0; i < n; ++i) d[i] = static_cast<int64_t>(s[i]);
  }
  return out;
}

namespace {
// Copies s into the contiguous dst when s's last dim is strided but an earlier dim k is
// unit-stride: a transposed or permuted view (x.t().contiguous(), NCHW <-> NHWC). Row by row,
// every element read would touch another cache line (a [1024, 256] transpose took 3.4 ns an
// element); in 32 x 32 tiles each line read serves a whole tile row. False for other layouts.
template <class T>
bool copy_transposed(Tensor& dst, const Tensor& s) {
  const int nd = dst.dim();
  if (nd < 2 || !dst.is_contiguous() || s.strides()[nd - 1] == 1) return false;
  int k = -1;
  for (int d = nd - 2; d >= 0 && k < 0; --d)
    if (s.strides()[d] == 1 && dst.shape()[d] > 1) k = d;
  if (k < 0) return false;
  // The planes [size of k, size of the last dim]: one per index of the other dims.
  Shape rest, rest_dst, rest_src;
  for (int d = 0; d < nd - 1; ++d)
    if (d != k) {
      rest.push_back(dst.shape()[d]);
      rest_dst.push_back(dst.strides()[d]);
      rest_src.push_back(s.strides()[d]);
    }
  std::vector<std::pair<int64_t, int64_t>> planes;  // {dst offset, src offset}
  for_each_offset2(rest, rest_dst, rest_src, [&](int64_t od, int64_t os, int64_t n, int64_t sd, int64_t ss) {
    for (int64_t i = 0; i < n; ++i) planes.emplace_back(od + i * sd, os + i * ss);
  });
  constexpr int64_t kTile = 32;
  const int64_t rows = dst.shape()[k], cols = dst.shape()[nd - 1];
  const int64_t dst_row = dst.strides()[k], src_col = s.strides()[nd - 1];
  const int64_t row_tiles = (rows + kTile - 1) / kTile, col_tiles = (cols + kTile - 1) / kTile;
  const int64_t tiles_per_plane = row_tiles * col_tiles;
  T* d = dst.data<T>();
  const T* p = s.data<T>();
  parallel_for(static_cast<int64_t>(planes.size()) * tiles_per_plane, std::max<int64_t>(1, kGrainSize / (kTile * kTile)),
               [&](int64_t t0, int64_t t1) {
                 for (int64_t t = t0; t < t1; ++t) {
                   const auto [od, os] = planes[static_cast<size_t>(t / tiles_per_plane)];
                   const int64_t r0 = (t % tiles_per_plane) / col_tiles * kTile, c0 = t % col_tiles * kTile;
                   const int64_t r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
                   for (int64_t i = r0; i < r1; ++i)
                     for (int64_t j = c0; j < c1; ++j) d[od + i * dst_row + j] = p[os + i + j * src_col];
                 }
               });
  return true;
}

template <class T>
void copy_strided(Tensor& dst, const Tensor& src) {
  const Tensor s = src.expand(dst.shape());
  if (dst.is_contiguous() && s.is_contiguous()) {
    std::memcpy(dst.data<T>(), s.data<T>(), static_cast<size_t>(dst.numel()) * sizeof(T));
    return;
  }
  if (copy_transposed<T>(dst, s)) return;
  T* d = dst.data<T>();
  const T* p = s.data<T>();
  for_each_offset2(dst.shape(), dst.strides(), s.strides(), [&](int64_t od, int64_t os, int64_t n, int64_t sd, int64_t ss) {
    for (int64_t i = 0; i < n; ++i) d[od + i * sd] = p[os + i * ss];
  });
}
}  // namespace

Tensor Tensor::readable_while_writing(const Tensor& dest) const {
  // The same view is safe: each element is read before it is written, by the same index.
  const bool same_view = shape_ == dest.shape_ && offset_ == dest.offset_ && strides_ == dest.strides_;
  return shares_storage(dest) && !same_view ? clone() : *this;
}

Tensor& Tensor::copy_(const Tensor& src) {
  if (!defined() || !src.defined()) throw Error("copy_: the tensor is undefined");
  if (src.dtype_ != dtype_) {
    copy_(src.to(dtype_));
    return *this;
  }
  broadcast_shapes(shape_, src.shape_, "copy_");
  // Copying from a copy of an overlapping source gives what it held, as NumPy does.
  const Tensor from = src.readable_while_writing(*this);
  if (dtype_ == DType::Float32) copy_strided<float>(*this, from);
  else copy_strided<int64_t>(*this, from);
  bump_version();
  return *this;
}

Tensor& Tensor::fill_(float value) {
  if (!defined()) throw Error("fill_: the tensor is undefined");
  auto fill = [&](auto v) {
    using T = decltype(v);
    T* d = data<T>();
    if (is_contiguous()) {
      std::fill_n(d, numel(), v);
      return;
    }
    for_each_offset1(shape_, strides_, [&](int64_t off, int64_t n, int64_t st) {
      for (int64_t i = 0; i < n; ++i) d[off + i * st] = v;
    });
  };
  if (dtype_ == DType::Float32) fill(value);
  else fill(static_cast<int64_t>(value));
  bump_version();
  return *this;
}

}  // namespace minidl
