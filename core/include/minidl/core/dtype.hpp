#pragma once
// Element types: float32 for all the math, int64 for class labels and index lists.
#include <cstddef>
#include <cstdint>

namespace minidl {

enum class DType : uint8_t { Float32, Int64 };

/// "float32" / "int64".
const char* dtype_name(DType dtype);
/// Bytes per element.
constexpr size_t dtype_size(DType dtype) { return dtype == DType::Float32 ? 4 : 8; }

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::Float32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::Int64; }

}  // namespace minidl
