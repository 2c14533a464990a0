// Comparisons (float32 or int64 in, float32 0/1 out), where, allclose and equal.
#include <cmath>
#include <cstring>
#include <functional>

#include "elementwise_kernels.hpp"
#include "minidl/core/elementwise.hpp"

namespace minidl {

namespace {

void check_same_dtype(const Tensor& a, const Tensor& b, const char* name) {
  check_dtype(a, a.dtype(), name);  // rejects undefined tensors
  check_dtype(b, b.dtype(), name);
  if (a.dtype() != b.dtype())
    throw DTypeError(std::string(name) + ": both tensors must have one dtype, got " + dtype_name(a.dtype()) +
                     " of shape " + to_string(a.shape()) + " and " + dtype_name(b.dtype()) + " of shape " +
                     to_string(b.shape()));
}

template <class Pred>
Tensor compare(const Tensor& a, const Tensor& b, const char* name, Pred pred) {
  check_same_dtype(a, b, name);
  auto mask = [pred](auto x, auto y) { return pred(x, y) ? 1.0f : 0.0f; };
  if (a.dtype() == DType::Int64) return detail::map_binary<int64_t>(a, b, name, mask);
  return detail::map_binary<float>(a, b, name, mask);
}

// int64 elements are compared with the scalar in double, which holds both exactly enough
// for labels and indices.
template <class Pred>
Tensor compare(const Tensor& a, float b, const char* name, Pred pred) {
  check_dtype(a, a.dtype(), name);
  if (a.dtype() == DType::Int64)
    return detail::map_unary<int64_t>(a, [pred, b](int64_t x) {
      return pred(static_cast<double>(x), static_cast<double>(b)) ? 1.0f : 0.0f;
    });
  return detail::map_unary<float>(a, [pred, b](float x) { return pred(x, b) ? 1.0f : 0.0f; });
}

template <class Cond>
struct WhereRun {
  void operator()(char* const* p, const int64_t* s, int64_t n) const {
    using detail::at_bytes;
    for (int64_t i = 0; i < n; ++i)
      at_bytes<float>(p[0], i * s[0]) = at_bytes<Cond>(p[1], i * s[1]) != Cond{0}
                                            ? at_bytes<float>(p[2], i * s[2])
                                            : at_bytes<float>(p[3], i * s[3]);
  }
};

}  // namespace

Tensor eq(const Tensor& a, const Tensor& b) { return compare(a, b, "eq", std::equal_to<>{}); }
Tensor ne(const Tensor& a, const Tensor& b) { return compare(a, b, "ne", std::not_equal_to<>{}); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare(a, b, "lt", std::less<>{}); }
Tensor le(const Tensor& a, const Tensor& b) { return compare(a, b, "le", std::less_equal<>{}); }
Tensor gt(const Tensor& a, const Tensor& b) { return compare(a, b, "gt", std::greater<>{}); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare(a, b, "ge", std::greater_equal<>{}); }
Tensor eq(const Tensor& a, float b) { return compare(a, b, "eq", std::equal_to<>{}); }
Tensor lt(const Tensor& a, float b) { return compare(a, b, "lt", std::less<>{}); }
Tensor gt(const Tensor& a, float b) { return compare(a, b, "gt", std::greater<>{}); }

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  check_dtype(cond, cond.dtype(), "where");
  check_dtype(a, DType::Float32, "where");
  check_dtype(b, DType::Float32, "where");
  Tensor out = Tensor::empty(
      broadcast_shapes(broadcast_shapes(cond.shape(), a.shape(), "where"), b.shape(), "where"));
  if (out.numel() == 0) return out;
  const auto loop = detail::loop_over<4>(out, {&cond, &a, &b});
  if (cond.dtype() == DType::Int64) detail::run_loop(loop, WhereRun<int64_t>{});
  else detail::run_loop(loop, WhereRun<float>{});
  return out;
}

bool allclose(const Tensor& a, const Tensor& b, float rtol, float atol) {
  check_dtype(a, a.dtype(), "allclose");
  check_dtype(b, b.dtype(), "allclose");
  if (a.shape() != b.shape()) return false;
  const Tensor x = a.to(DType::Float32).contiguous();
  const Tensor y = b.to(DType::Float32).contiguous();
  const float* px = x.data<float>();
  const float* py = y.data<float>();
  for (int64_t i = 0, n = x.numel(); i < n; ++i) {
    // x == y first, so that equal infinities count as close (their difference is NaN).
    if (!(px[i] == py[i] || std::fabs(px[i] - py[i]) <= atol + rtol * std::fabs(py[i]))) return false;
  }
  return true;
}

bool equal(const Tensor& a, const Tensor& b) {
  check_dtype(a, a.dtype(), "equal");
  check_dtype(b, b.dtype(), "equal");
  if (a.shape() != b.shape() || a.dtype() != b.dtype()) return false;
  if (a.numel() == 0) return true;
  const Tensor x = a.contiguous();
  const Tensor y = b.contiguous();
  return std::memcmp(detail::byte_data(x), detail::byte_data(y),
                     static_cast<size_t>(x.numel()) * dtype_size(x.dtype())) == 0;
}

}  // namespace minidl
