#pragma once
// Which GEMM kernels run. Debian's OpenBLAS (a DYNAMIC_ARCH build) picks its kernels from the
// CPU's model number and falls back to SSE3-era ones on models it does not know; minidl picks
// them from the CPU's features instead, checks them, and reports what runs.
#include <string>
#include <string_view>
#include <vector>

namespace minidl {

/// The CPU features that decide which GEMM kernels fit (cpuid, as far as the OS enables them).
struct CpuFeatures {
  bool amd = false;
  bool avx = false, avx2 = false, fma = false;
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512dq = false, avx512bf16 = false;
};

/// The features of the CPU this process runs on (all false off x86-64).
CpuFeatures detect_cpu_features();

/// "avx avx2 fma ...": the features that are present, in a fixed order.
std::string to_string(const CpuFeatures& cpu);

/// The OpenBLAS core to switch to, or "" to keep `current` (what OpenBLAS chose). Decided from
/// features alone: AVX-512 (F/BW/VL/DQ) -> SkylakeX, plus BF16 -> Cooperlake, AVX2+FMA -> Haswell
/// (Zen on AMD). The answer is one of `known` (the cores the installed OpenBLAS has) and ranks
/// above `current`; a core name minidl does not know is kept.
std::string choose_blas_core(const CpuFeatures& cpu, std::string_view current, const std::vector<std::string>& known);

/// True when `core`'s kernels are known to be slow on `cpu`: kernels without AVX2/FMA
/// (Prescott, Core2, Nehalem, Sandybridge, ...) on a CPU that has both.
bool blas_core_is_slow(const CpuFeatures& cpu, std::string_view core);

/// What runs, as `minidl --version` prints it.
struct BlasInfo {
  std::string config;     ///< openblas_get_config(): library, version, build options
  std::string core;       ///< openblas_get_corename(): the kernels in use
  std::string chosen_by;  ///< how `core` was decided, e.g. "OpenBLAS" or "minidl from the CPU's features (OpenBLAS chose Prescott)"
  std::string cpu;        ///< the CPU's name, family and model
  CpuFeatures features;
  std::string warning;    ///< one line when the kernels are slow for this CPU and nothing could fix it, else ""
};

/// Chooses OpenBLAS's kernels once per process (minidl's first GEMM does it too): a user-set
/// OPENBLAS_CORETYPE is kept; otherwise choose_blas_core's answer is switched to and checked
/// against a float64 product, going back to OpenBLAS's own choice if the check fails. Then
/// reports what runs. Call it before calling BLAS directly to get the same kernels there.
BlasInfo blas_info();

/// Sets OpenBLAS's own thread count. minidl keeps it at 1 (its GEMMs are tiled on TBB, so
/// results do not depend on the thread count); benchmarks that time OpenBLAS's own threading
/// raise it and set it back to 1.
void set_blas_num_threads(int n);

/// Re-initialises OpenBLAS with `core`'s kernels (an OPENBLAS_CORETYPE name) and checks them
/// against a float64 product; if they are refused or fail, the kernels that ran before are
/// restored. Returns whether `core` runs now. Only for tests and tools: no BLAS call may be in
/// flight on another thread meanwhile.
bool use_blas_core(std::string_view core);

}  // namespace minidl
