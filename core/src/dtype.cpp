#include "minidl/core/dtype.hpp"

namespace minidl {

const char* dtype_name(DType dtype) { return dtype == DType::Float32 ? "float32" : "int64"; }

}  // namespace minidl
