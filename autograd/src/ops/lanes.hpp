#pragma once
// Internal to the direct convolution loops: one vector register's floats as one value.
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>
#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace minidl::lanes {

// A GCC/Clang vector: one AVX-512 register (16 floats) where the build has AVX-512, else one AVX
// register (8 floats), or two SSE ones on a CPU without AVX. Arithmetic on it is element-wise; a
// float operand is broadcast. Spelled out because GCC's auto-vectoriser gave these kernels scalar
// code (accumulators spilled to memory, FMA chains too long to hide their latency). Built without
// AVX (MINIDL_NATIVE=OFF) the compilers warn that passing one changes the calling convention: only
// file-local, inlined helpers pass them, so no ABI is crossed.
#pragma GCC diagnostic ignored "-Wpsabi"
#if defined(__AVX512F__)
inline constexpr int64_t kLanes = 16;
/// Vector registers the kernels may plan for (sums, shared operands, a broadcast).
inline constexpr int64_t kRegisters = 32;
#else
inline constexpr int64_t kLanes = 8;
inline constexpr int64_t kRegisters = 16;
#endif
using Lanes = float __attribute__((vector_size(kLanes * sizeof(float))));
/// kLanes lanes of all-ones or all-zero bits, to select a vector's lanes with &.
using Mask = int32_t __attribute__((vector_size(kLanes * sizeof(int32_t))));

/// kLanes floats from p, which need not be aligned.
inline Lanes load(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

/// kLanes floats from p (unaligned) kept in a register for the several FMAs that use them: GCC
/// would fold the load into each FMA instead (one load per FMA, so the loop waits on loads).
inline Lanes load_once(const float* p) {
  Lanes v = load(p);
#if defined(__AVX512F__)
  asm("" : "+v"(v));  // an empty asm that needs v in a vector register (any of the 32)
#elif defined(__AVX__)  // a register that holds all eight: without AVX, GCC splits the vector in two
  asm("" : "+x"(v));
#endif
  return v;
}

/// v into p[0, kLanes), which need not be aligned.
inline void store(float* p, const Lanes& v) { std::memcpy(p, &v, sizeof v); }

/// p[0, n) in the first n lanes (0 <= n <= kLanes), zero in the others; reads nothing past p + n.
inline Lanes load_first(const float* p, int64_t n) {
#if defined(__AVX512F__)
  return (Lanes)_mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << n) - 1), p);
#elif defined(__AVX2__)
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return (Lanes)_mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), lanes));
#else
  Lanes v = {};
  std::memcpy(&v, p, static_cast<size_t>(n) * sizeof(float));
  return v;
#endif
}

/// v's first n lanes into p[0, n) (0 <= n <= kLanes); writes nothing past p + n. One masked
/// store, where a copy through memory became a call into memcpy per row.
inline void store_first(float* p, const Lanes& v, int64_t n) {
#if defined(__AVX512F__)
  _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << n) - 1), (__m512)v);
#elif defined(__AVX2__)
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  _mm256_maskstore_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), lanes), (__m256)v);
#else
  std::memcpy(p, &v, static_cast<size_t>(n) * sizeof(float));
#endif
}

/// Lanes 2i and 2i + 1 = v[i] (__builtin_shufflevector, which GCC and clang both take).
template <size_t... I>
Lanes doubled_lanes(const Lanes& v, std::index_sequence<I...>) {
  return __builtin_shufflevector(v, v, static_cast<int>(I / 2)...);
}
/// Lanes 2i and 2i + 1 = p[i]: each of the first (n + 1) / 2 floats at p twice, side by side
/// (the lanes from n on are not meant); reads nothing past them.
inline Lanes doubled(const float* p, int64_t n) {
  return doubled_lanes(load_first(p, (n + 1) / 2), std::make_index_sequence<kLanes>{});
}

inline int64_t round_up(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

/// Calls f(integral_constant<n>) for 1 <= n <= Max: a run or group size as a compile-time
/// constant, so that the loops over a pass's sums unroll and the sums stay in registers.
template <int64_t Max, class F>
void with_constant(int64_t n, F&& f) {
  if constexpr (Max >= 1) {
    if (n == Max) f(std::integral_constant<int64_t, Max>{});
    else with_constant<Max - 1>(n, f);
  }
}

}  // namespace minidl::lanes
