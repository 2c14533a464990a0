#pragma once
// Internal: typed elementwise kernels on top of the broadcast loop. Each entry point takes
// the scalar operation as a functor, so the compiler inlines it into loops it can vectorise;
// contiguous operands of one shape skip the N-d machinery altogether.
//
// Every loop runs a local copy of the functor (`const Op f = op`). Read through the closure
// that holds it, a captured float (leaky_relu's slope) may alias the float output, so GCC loads
// it in the loop and cannot vectorise a select that multiplies by it only on one side: leaky_relu
// ran one branchy element at a time, 5 ns each.
#include <cstring>
#include <string>

#include "broadcast_loop.hpp"
#include "minidl/core/tensor.hpp"

namespace minidl::detail {

template <class T>
T& at_bytes(char* p, int64_t byte_offset) {
  return *reinterpret_cast<T*>(p + byte_offset);
}

/// One innermost run of out = op(a): unit-stride runs get the plain loop the compiler vectorises.
template <class Out, class A, class Op>
struct UnaryRun {
  Op op;
  void operator()(char* const* p, const int64_t* s, int64_t n) const {
    const Op f = op;
    if (s[0] == sizeof(Out) && s[1] == sizeof(A)) {
      Out* o = reinterpret_cast<Out*>(p[0]);
      const A* a = reinterpret_cast<const A*>(p[1]);
      for (int64_t i = 0; i < n; ++i) o[i] = f(a[i]);
      return;
    }
    for (int64_t i = 0; i < n; ++i) at_bytes<Out>(p[0], i * s[0]) = f(at_bytes<A>(p[1], i * s[1]));
  }
};

/// One innermost run of out = op(a, b), with the two broadcast cases (a row operand against a
/// scalar-like one) kept as unit-stride loops.
template <class Out, class A, class B, class Op>
struct BinaryRun {
  Op op;
  void operator()(char* const* p, const int64_t* s, int64_t n) const {
    const Op f = op;
    Out* o = reinterpret_cast<Out*>(p[0]);
    const A* a = reinterpret_cast<const A*>(p[1]);
    const B* b = reinterpret_cast<const B*>(p[2]);
    if (s[0] == sizeof(Out)) {
      if (s[1] == sizeof(A) && s[2] == sizeof(B)) {
        for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], b[i]);
        return;
      }
      if (s[1] == sizeof(A) && s[2] == 0) {
        const B bv = *b;
        for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], bv);
        return;
      }
      if (s[1] == 0 && s[2] == sizeof(B)) {
        const A av = *a;
        for (int64_t i = 0; i < n; ++i) o[i] = f(av, b[i]);
        return;
      }
    }
    for (int64_t i = 0; i < n; ++i)
      at_bytes<Out>(p[0], i * s[0]) = f(at_bytes<A>(p[1], i * s[1]), at_bytes<B>(p[2], i * s[2]));
  }
};

/// Geometry of a new contiguous output `out` and the inputs broadcast to its shape.
template <int K>
Loop<K> loop_over(const Tensor& out, const std::array<const Tensor*, K - 1>& inputs) {
  std::array<char*, K> base;
  std::array<DimArray, K> strides;
  base[0] = byte_data(out);
  strides[0] = broadcast_byte_strides(out, out.shape());
  for (size_t k = 1; k < K; ++k) {
    base[k] = byte_data(*inputs[k - 1]);
    strides[k] = broadcast_byte_strides(*inputs[k - 1], out.shape());
  }
  return make_loop<K>(out.shape(), base, strides);
}

/// A new float32 tensor op(a) over every element of `a` (of element type A).
template <class A, class Op>
Tensor map_unary(const Tensor& a, Op op) {
  Tensor out = Tensor::empty(a.shape());
  const int64_t n = out.numel();
  if (n == 0) return out;
  float* o = out.data<float>();
  if (a.is_contiguous()) {
    const A* x = a.data<A>();
    flat_loop(n, [o, x, op](int64_t b, int64_t e) {
      const Op f = op;
      for (int64_t i = b; i < e; ++i) o[i] = f(x[i]);
    });
    return out;
  }
  run_loop(loop_over<2>(out, {&a}), UnaryRun<float, A, Op>{op});
  return out;
}

/// A new float32 tensor op(a, b) over the broadcast shape of a and b (both of element type A).
template <class A, class Op>
Tensor map_binary(const Tensor& a, const Tensor& b, const char* name, Op op) {
  if (a.shape() == b.shape() && a.is_contiguous() && b.is_contiguous()) {
    Tensor out = Tensor::empty(a.shape());
    const int64_t n = out.numel();
    if (n == 0) return out;
    float* o = out.data<float>();
    const A* x = a.data<A>();
    const A* y = b.data<A>();
    flat_loop(n, [o, x, y, op](int64_t lo, int64_t hi) {
      const Op f = op;
      for (int64_t i = lo; i < hi; ++i) o[i] = f(x[i], y[i]);
    });
    return out;
  }
  Tensor out = Tensor::empty(broadcast_shapes(a.shape(), b.shape(), name));
  if (out.numel() == 0) return out;
  run_loop(loop_over<3>(out, {&a, &b}), BinaryRun<float, A, A, Op>{op});
  return out;
}

/// Throws unless writing in place into `self` is well defined: no element of self may be
/// reached through two indices (an expanded view), since the result would depend on order.
void check_writable(const Tensor& self, const char* name);

/// self = op(self) for every element of the float32 tensor self, whatever its strides.
template <class Op>
void apply_unary_inplace(Tensor& self, const char* name, Op op) {
  check_dtype(self, DType::Float32, name);
  check_writable(self, name);
  if (self.numel() > 0) {
    if (self.is_contiguous()) {
      float* x = self.data<float>();
      flat_loop(self.numel(), [x, op](int64_t b, int64_t e) {
        const Op f = op;
        for (int64_t i = b; i < e; ++i) x[i] = f(x[i]);
      });
    } else {
      auto L = make_loop<2>(self.shape(), {byte_data(self), byte_data(self)},
                            {broadcast_byte_strides(self, self.shape()),
                             broadcast_byte_strides(self, self.shape())});
      run_loop(L, UnaryRun<float, float, Op>{op});
    }
  }
  self.bump_version();
}

/// self = op(self, other) with `other` broadcast to self's shape (which must not grow).
template <class Op>
void apply_binary_inplace(Tensor& self, const Tensor& other, const char* name, Op op) {
  check_dtype(self, DType::Float32, name);
  check_dtype(other, DType::Float32, name);
  // As an out-of-place op would: x.add_(x.t()) reads x as it was.
  const Tensor src = other.readable_while_writing(self);
  if (self.shape() == src.shape() && self.is_contiguous() && src.is_contiguous()) {
    float* x = self.data<float>();
    const float* y = src.data<float>();
    flat_loop(self.numel(), [x, y, op](int64_t b, int64_t e) {
      const Op f = op;
      for (int64_t i = b; i < e; ++i) x[i] = f(x[i], y[i]);
    });
    self.bump_version();
    return;
  }
  if (broadcast_shapes(self.shape(), src.shape(), name) != self.shape())
    throw ShapeError(std::string(name) + ": a tensor of shape " + to_string(src.shape()) +
                     " cannot be broadcast to the shape " + to_string(self.shape()) +
                     " of the tensor written in place");
  check_writable(self, name);
  if (self.numel() > 0) {
    const DimArray self_strides = broadcast_byte_strides(self, self.shape());
    auto L = make_loop<3>(self.shape(), {byte_data(self), byte_data(self), byte_data(src)},
                          {self_strides, self_strides, broadcast_byte_strides(src, self.shape())});
    run_loop(L, BinaryRun<float, float, float, Op>{op});
  }
  self.bump_version();
}

}  // namespace minidl::detail
