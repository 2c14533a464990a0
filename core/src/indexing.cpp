// Gathering and joining: index_select, gather, cat, stack (float32 and int64 alike), and the
// additions that undo a gather: index_add, scatter_add (float32).
#include "minidl/core/indexing.hpp"

#include <array>
#include <cstring>
#include <string>

#include "broadcast_loop.hpp"
#include "minidl/core/parallel.hpp"

namespace minidl {

namespace {

std::string out_of_range(const char* op, int64_t index, int dim, int64_t size) {
  return std::string(op) + ": index " + std::to_string(index) + " is out of range for dim " + std::to_string(dim) +
         " of size " + std::to_string(size);
}

/// Runs body(begin, end) over `rows` copies of `row_bytes` each, in parallel for big copies.
template <class Body>
void for_copies(int64_t rows, int64_t row_bytes, Body&& body) {
  const int64_t row_elems = std::max<int64_t>(1, row_bytes / 4);
  parallel_for(rows, std::max<int64_t>(1, kGrainSize / row_elems), body);
}

template <class T>
void select_rows(const Tensor& x, Tensor& out, const int64_t* idx, int64_t k, int d) {
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < d; ++i) outer *= x.shape()[i];
  for (int i = d + 1; i < x.dim(); ++i) inner *= x.shape()[i];
  const int64_t n = x.shape()[d];
  const T* px = x.data<T>();
  T* po = out.data<T>();
  const auto row_bytes = static_cast<size_t>(inner) * sizeof(T);
  for_copies(outer * k, static_cast<int64_t>(row_bytes), [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const int64_t o = r / k, j = r % k;
      const T* src = px + (o * n + idx[j]) * inner;
      if (inner == 1) po[r] = *src;
      else std::memcpy(po + r * inner, src, row_bytes);
    }
  });
}

/// Calls at(e, offset) for each element e of the contiguous int64 `index`, in order, with the
/// offset in `target` of e's position with its coordinate along d replaced by index[e] (checked
/// against target's size there): where gather reads and scatter_add writes.
template <class At>
void for_each_indexed(const Tensor& index, const Tensor& target, int d, const char* op, At&& at) {
  const int nd = index.dim();
  const Shape& shape = index.shape();
  const Shape& strides = target.strides();
  const int64_t* pi = index.data<int64_t>();
  const int64_t n = target.shape()[d];
  std::array<int64_t, Shape::kMaxDims> pos{};
  int64_t base = 0;  // offset in `target` of pos with pos[d] replaced by 0
  for (int64_t e = 0, total = index.numel(); e < total; ++e) {
    const int64_t i = pi[e];
    if (i < 0 || i >= n) throw IndexError(out_of_range(op, i, d, n));
    at(e, base + i * strides[d]);
    for (int k = nd - 1; k >= 0; --k) {
      const auto u = static_cast<size_t>(k);
      if (++pos[u] < shape[k]) {
        if (k != d) base += strides[k];
        break;
      }
      if (k != d) base -= strides[k] * (shape[k] - 1);
      pos[u] = 0;
    }
  }
}

template <class T>
void gather_elements(const Tensor& a, const Tensor& index, Tensor& out, int d) {
  const T* pa = a.data<T>();
  T* po = out.data<T>();
  for_each_indexed(index, a, d, "gather", [&](int64_t e, int64_t offset) { po[e] = pa[offset]; });
}

}  // namespace

Tensor index_select(const Tensor& a, int64_t dim, const Tensor& index) {
  check_dtype(a, a.dtype(), "index_select");
  check_dtype(index, DType::Int64, "index_select");
  if (index.dim() > 1)
    throw ShapeError("index_select: index must be 0-D or 1-D, got shape " + to_string(index.shape()));
  if (a.dim() == 0) throw ShapeError("index_select: cannot index a 0-dim tensor");
  const int d = normalize_dim(dim, a.dim(), "index_select");
  const Tensor idx = index.contiguous();
  const int64_t* pi = idx.data<int64_t>();
  const int64_t k = idx.numel(), size = a.shape()[d];
  for (int64_t j = 0; j < k; ++j)
    if (pi[j] < 0 || pi[j] >= size) throw IndexError(out_of_range("index_select", pi[j], d, size));
  Shape shape = a.shape();
  shape[d] = k;
  Tensor out = Tensor::empty(shape, a.dtype());
  if (out.numel() == 0) return out;
  const Tensor x = a.contiguous();
  if (a.dtype() == DType::Float32) select_rows<float>(x, out, pi, k, d);
  else select_rows<int64_t>(x, out, pi, k, d);
  return out;
}

Tensor gather(const Tensor& a, int64_t dim, const Tensor& index) {
  check_dtype(a, a.dtype(), "gather");
  check_dtype(index, DType::Int64, "gather");
  if (index.dim() != a.dim())
    throw ShapeError("gather: index of shape " + to_string(index.shape()) + " must have as many dims as the input " +
                     to_string(a.shape()));
  if (a.dim() == 0) return gather(a.reshape({1}), 0, index.reshape({1})).reshape({});
  const int d = normalize_dim(dim, a.dim(), "gather");
  for (int k = 0; k < a.dim(); ++k)
    if (k != d && index.shape()[k] > a.shape()[k])
      throw ShapeError("gather: index of shape " + to_string(index.shape()) + " is larger than the input " +
                       to_string(a.shape()) + " in dim " + std::to_string(k));
  Tensor out = Tensor::empty(index.shape(), a.dtype());
  if (out.numel() == 0) return out;
  const Tensor idx = index.contiguous();
  if (a.dtype() == DType::Float32) gather_elements<float>(a, idx, out, d);
  else gather_elements<int64_t>(a, idx, out, d);
  return out;
}

Tensor index_add(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& source) {
  check_dtype(a, DType::Float32, "index_add");
  check_dtype(source, DType::Float32, "index_add");
  check_dtype(index, DType::Int64, "index_add");
  if (index.dim() > 1)
    throw ShapeError("index_add: index must be 0-D or 1-D, got shape " + to_string(index.shape()));
  if (a.dim() == 0) throw ShapeError("index_add: cannot index a 0-dim tensor");
  const int d = normalize_dim(dim, a.dim(), "index_add");
  const int64_t k = index.numel(), n = a.shape()[d];
  Shape expected = a.shape();
  expected[d] = k;
  if (source.shape() != expected)
    throw ShapeError("index_add: source of shape " + to_string(source.shape()) + " must have shape " +
                     to_string(expected) + " (the input's with dim " + std::to_string(d) + " the index's length)");
  const Tensor idx = index.contiguous(), src = source.contiguous();
  const int64_t* pi = idx.data<int64_t>();
  for (int64_t j = 0; j < k; ++j)
    if (pi[j] < 0 || pi[j] >= n) throw IndexError(out_of_range("index_add", pi[j], d, n));
  Tensor out = a.clone();
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < d; ++i) outer *= a.shape()[i];
  for (int i = d + 1; i < a.dim(); ++i) inner *= a.shape()[i];
  const float* ps = src.data<float>();
  float* po = out.data<float>();
  // Outer slices are independent; within one, rows are added in index order, so repeated
  // indices sum the same way for any thread count.
  parallel_for(outer, std::max<int64_t>(1, kGrainSize / std::max<int64_t>(1, k * inner)), [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o)
      for (int64_t j = 0; j < k; ++j) {
        float* dst = po + (o * n + pi[j]) * inner;
        const float* row = ps + (o * k + j) * inner;
        for (int64_t i = 0; i < inner; ++i) dst[i] += row[i];
      }
  });
  return out;
}

Tensor scatter_add(const Tensor& a, int64_t dim, const Tensor& index, const Tensor& source) {
  check_dtype(a, DType::Float32, "scatter_add");
  check_dtype(source, DType::Float32, "scatter_add");
  check_dtype(index, DType::Int64, "scatter_add");
  if (index.shape() != source.shape())
    throw ShapeError("scatter_add: index of shape " + to_string(index.shape()) + " must have the source's shape " +
                     to_string(source.shape()));
  if (index.dim() != a.dim())
    throw ShapeError("scatter_add: index of shape " + to_string(index.shape()) +
                     " must have as many dims as the input " + to_string(a.shape()));
  if (a.dim() == 0) return scatter_add(a.reshape({1}), 0, index.reshape({1}), source.reshape({1})).reshape({});
  const int d = normalize_dim(dim, a.dim(), "scatter_add");
  for (int k = 0; k < a.dim(); ++k)
    if (k != d && index.shape()[k] > a.shape()[k])
      throw ShapeError("scatter_add: index of shape " + to_string(index.shape()) + " is larger than the input " +
                       to_string(a.shape()) + " in dim " + std::to_string(k));
  Tensor out = a.clone();
  if (index.numel() == 0) return out;
  const Tensor idx = index.contiguous(), src = source.contiguous();
  const float* ps = src.data<float>();
  float* po = out.data<float>();
  for_each_indexed(idx, out, d, "scatter_add", [&](int64_t e, int64_t offset) { po[offset] += ps[e]; });
  return out;
}

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  if (tensors.empty()) throw ValueError("cat: expects a non-empty list of tensors");
  const Tensor& first = tensors[0];
  check_dtype(first, first.dtype(), "cat");
  if (first.dim() == 0) throw ShapeError("cat: zero-dim tensors cannot be concatenated; use stack");
  const int d = normalize_dim(dim, first.dim(), "cat");
  Shape shape = first.shape();
  shape[d] = 0;
  for (size_t t = 0; t < tensors.size(); ++t) {
    const Tensor& x = tensors[t];
    check_dtype(x, first.dtype(), "cat");
    bool fits = x.dim() == first.dim();
    for (int k = 0; fits && k < x.dim(); ++k) fits = k == d || x.shape()[k] == first.shape()[k];
    if (!fits)
      throw ShapeError("cat: tensor " + std::to_string(t) + " has shape " + to_string(x.shape()) +
                       ", which does not match tensor 0's " + to_string(first.shape()) + " in every dim but dim " +
                       std::to_string(d));
    shape[d] += x.shape()[d];
  }
  Tensor out = Tensor::empty(shape, first.dtype());
  if (out.numel() == 0) return out;
  int64_t outer = 1, inner = 1;
  for (int k = 0; k < d; ++k) outer *= shape[k];
  for (int k = d + 1; k < shape.size(); ++k) inner *= shape[k];
  const auto elem = static_cast<int64_t>(dtype_size(first.dtype()));
  const int64_t out_row = shape[d] * inner * elem;
  char* po = detail::byte_data(out);
  int64_t at = 0;  // byte offset of this tensor's block within an output row
  for (const Tensor& t : tensors) {
    const int64_t row = t.shape()[d] * inner * elem;
    if (row > 0) {
      const Tensor x = t.contiguous();
      const char* px = detail::byte_data(x);
      for_copies(outer, row, [&](int64_t b, int64_t e) {
        for (int64_t o = b; o < e; ++o)
          std::memcpy(po + o * out_row + at, px + o * row, static_cast<size_t>(row));
      });
    }
    at += row;
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  if (tensors.empty()) throw ValueError("stack: expects a non-empty list of tensors");
  const Tensor& first = tensors[0];
  check_dtype(first, first.dtype(), "stack");
  const int d = normalize_dim(dim, first.dim() + 1, "stack");
  std::vector<Tensor> parts;
  parts.reserve(tensors.size());
  for (size_t t = 0; t < tensors.size(); ++t) {
    check_dtype(tensors[t], tensors[t].dtype(), "stack");
    if (tensors[t].shape() != first.shape())
      throw ShapeError("stack: tensor " + std::to_string(t) + " has shape " + to_string(tensors[t].shape()) +
                       ", expected " + to_string(first.shape()) + " like tensor 0");
    parts.push_back(tensors[t].unsqueeze(d));
  }
  return cat(parts, d);
}

}  // namespace minidl
