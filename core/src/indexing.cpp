// Gathering and joining: index_select, gather, cat, stack (float32 and int64 alike).
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

template <class T>
void gather_elements(const Tensor& a, const Tensor& index, Tensor& out, int d) {
  const int nd = index.dim();
  const Shape& shape = index.shape();
  const int64_t* pi = index.data<int64_t>();
  const T* pa = a.data<T>();
  T* po = out.data<T>();
  const int64_t n = a.shape()[d];
  std::array<int64_t, Shape::kMaxDims> pos{};
  int64_t base = 0;  // offset in `a` of pos with pos[d] replaced by 0
  for (int64_t e = 0, total = index.numel(); e < total; ++e) {
    const int64_t i = pi[e];
    if (i < 0 || i >= n) throw IndexError(out_of_range("gather", i, d, n));
    po[e] = pa[base + i * a.strides()[d]];
    for (int k = nd - 1; k >= 0; --k) {
      const auto u = static_cast<size_t>(k);
      if (++pos[u] < shape[k]) {
        if (k != d) base += a.strides()[k];
        break;
      }
      if (k != d) base -= a.strides()[k] * (shape[k] - 1);
      pos[u] = 0;
    }
  }
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
