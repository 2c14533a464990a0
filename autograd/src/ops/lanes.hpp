#pragma once
// Internal to the direct convolution loops: eight floats as one value.
#include <cstdint>
#include <cstring>

namespace minidl::lanes {

// A GCC/Clang vector: one AVX register, or two SSE ones on a CPU without AVX. Arithmetic on it
// is element-wise; a float operand is broadcast. Spelled out because GCC's auto-vectoriser gave
// these kernels scalar code (accumulators spilled to memory, FMA chains too long to hide their
// latency). Built without AVX (MINIDL_NATIVE=OFF) the compilers warn that passing one changes the
// calling convention: only file-local, inlined helpers pass them, so no ABI is crossed.
#pragma GCC diagnostic ignored "-Wpsabi"
using Lanes = float __attribute__((vector_size(32)));
inline constexpr int64_t kLanes = 8;

/// Eight floats from p, which need not be aligned.
inline Lanes load(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

/// Eight floats from p (unaligned) kept in a register for the several FMAs that use them: GCC
/// would fold the load into each FMA instead (one load per FMA, so the loop waits on loads).
inline Lanes load_once(const float* p) {
  Lanes v = load(p);
#if defined(__AVX__)  // a register that holds all eight: without AVX, GCC splits the vector in two
  asm("" : "+x"(v));  // an empty asm that needs v in a vector register
#endif
  return v;
}

/// v into p[0, 8), which need not be aligned.
inline void store(float* p, const Lanes& v) { std::memcpy(p, &v, sizeof v); }

inline int64_t round_up(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

}  // namespace minidl::lanes
