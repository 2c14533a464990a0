#pragma once
// The core layer: tensors, creation, RNG, elementwise/reduction kernels, matmul, threads.
#include "minidl/core/blas.hpp"
#include "minidl/core/dtype.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/core/error.hpp"
#include "minidl/core/generator.hpp"
#include "minidl/core/indexing.hpp"
#include "minidl/core/matmul.hpp"
#include "minidl/core/parallel.hpp"
#include "minidl/core/philox.hpp"
#include "minidl/core/reduction.hpp"
#include "minidl/core/shape.hpp"
#include "minidl/core/tensor.hpp"
