#pragma once
// Elementwise ops with PyTorch broadcasting. Float32 only, except the comparisons, which
// also take int64 (and return float32 0/1 masks, so (pred == y).mean() is the accuracy).
#include "minidl/core/tensor.hpp"

namespace minidl {

Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
/// a ** b elementwise; pow(a, float) below is the common case.
Tensor pow(const Tensor& a, const Tensor& b);

Tensor add(const Tensor& a, float b);
Tensor sub(const Tensor& a, float b);
/// b - a.
Tensor rsub(const Tensor& a, float b);
Tensor mul(const Tensor& a, float b);
Tensor div(const Tensor& a, float b);
/// b / a.
Tensor rdiv(const Tensor& a, float b);
Tensor pow(const Tensor& a, float exponent);

Tensor neg(const Tensor& a);
Tensor exp(const Tensor& a);
Tensor log(const Tensor& a);
Tensor sqrt(const Tensor& a);
Tensor abs(const Tensor& a);
/// -1, 0 or 1.
Tensor sign(const Tensor& a);
Tensor relu(const Tensor& a);
Tensor leaky_relu(const Tensor& a, float negative_slope = 0.01f);
Tensor sigmoid(const Tensor& a);
Tensor tanh(const Tensor& a);
Tensor clamp(const Tensor& a, float low, float high);

/// Comparisons: float32 1.0 where true, 0.0 where false.
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);
Tensor eq(const Tensor& a, float b);
Tensor lt(const Tensor& a, float b);
Tensor gt(const Tensor& a, float b);
/// a where cond != 0, else b (all three broadcast together).
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);

inline Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
inline Tensor operator+(const Tensor& a, float b) { return add(a, b); }
inline Tensor operator-(const Tensor& a, float b) { return sub(a, b); }
inline Tensor operator*(const Tensor& a, float b) { return mul(a, b); }
inline Tensor operator/(const Tensor& a, float b) { return div(a, b); }
inline Tensor operator+(float a, const Tensor& b) { return add(b, a); }
inline Tensor operator-(float a, const Tensor& b) { return rsub(b, a); }
inline Tensor operator*(float a, const Tensor& b) { return mul(b, a); }
inline Tensor operator/(float a, const Tensor& b) { return rdiv(b, a); }
inline Tensor operator-(const Tensor& a) { return neg(a); }

/// True when shapes are equal and every element satisfies |a-b| <= atol + rtol*|b|.
bool allclose(const Tensor& a, const Tensor& b, float rtol = 1e-5f, float atol = 1e-8f);
/// True when shapes, dtypes and every bit of every element are equal.
bool equal(const Tensor& a, const Tensor& b);

}  // namespace minidl
