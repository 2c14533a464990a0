// Switching OpenBLAS to the kernels choose_blas_core picks, once per process.
//
// How: a DYNAMIC_ARCH OpenBLAS keeps its kernels behind one table pointer that its exported
// gotoblas_dynamic_init() fills from OPENBLAS_CORETYPE (or its cpuid model table) and
// gotoblas_dynamic_quit() clears. Re-running the pair with the variable set only for that call
// switches kernels in about 50 us, in any program that links OpenBLAS however it was loaded.
// (dlopen after setenv does nothing once OpenBLAS is already loaded, as it is in every program
// that links it; re-executing works only for the minidl command.) The entry points are looked
// up with dlsym when this library loads, so an OpenBLAS without them (a single-core build, a
// static one) is left as is.
// The variable is set and restored while no minidl GEMM runs (the first one waits for it).
#include <cblas.h>
#include <dlfcn.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "minidl/core/blas.hpp"

extern "C" {
char* openblas_get_corename(void);
char* openblas_get_config(void);
void openblas_set_num_threads(int);
}

namespace minidl {

namespace {

constexpr const char* kCoreVariable = "OPENBLAS_CORETYPE";

// OpenBLAS's optional entry points, looked up when this library loads: dlsym takes the dynamic
// loader's lock, so a first GEMM that looked them up would wait for any library another thread
// is loading meanwhile (a run's curves painter loads PLplot's cairo driver: 40 ms and more).
using VoidFn = void (*)();
using ShutdownFn = int (*)();
struct DynamicArch {
  VoidFn init, quit;
};
struct OpenBlasEntryPoints {
  std::optional<DynamicArch> dynamic_arch;  // gotoblas_dynamic_init/quit: a DYNAMIC_ARCH build
  std::vector<std::string> known_cores;     // the cores choose_blas_core may pick that this build has
  ShutdownFn thread_shutdown = nullptr;     // blas_thread_shutdown_: not every build has it
};

OpenBlasEntryPoints look_up_entry_points() {
  OpenBlasEntryPoints found;
  auto init = reinterpret_cast<VoidFn>(dlsym(RTLD_DEFAULT, "gotoblas_dynamic_init"));
  auto quit = reinterpret_cast<VoidFn>(dlsym(RTLD_DEFAULT, "gotoblas_dynamic_quit"));
  if (init != nullptr && quit != nullptr) found.dynamic_arch = DynamicArch{init, quit};
  for (const char* core : {"Cooperlake", "SkylakeX", "Haswell", "Zen"}) {
    std::string symbol = "gotoblas_";  // then the name in capitals: gotoblas_SKYLAKEX
    for (const char* c = core; *c; ++c) symbol += static_cast<char>(std::toupper(static_cast<unsigned char>(*c)));
    if (dlsym(RTLD_DEFAULT, symbol.c_str()) != nullptr) found.known_cores.emplace_back(core);
  }
  found.thread_shutdown = reinterpret_cast<ShutdownFn>(dlsym(RTLD_DEFAULT, "blas_thread_shutdown_"));
  return found;
}

const OpenBlasEntryPoints& openblas() {
  static const OpenBlasEntryPoints found = look_up_entry_points();
  return found;
}
// Looked up at load, not at first use; through the function, so that another file's static
// initialiser calling in earlier finds them too.
[[maybe_unused]] const OpenBlasEntryPoints& kLookedUpAtLoad = openblas();

// Re-initialises OpenBLAS as if it had started with OPENBLAS_CORETYPE=core ("" = unset: its own
// choice), leaving the variable as it was.
void reinit_openblas(const DynamicArch& arch, const std::string& core) {
  const char* before = std::getenv(kCoreVariable);
  const std::optional<std::string> saved = before ? std::optional<std::string>(before) : std::nullopt;
  arch.quit();
  if (core.empty()) unsetenv(kCoreVariable);
  else setenv(kCoreVariable, core.c_str(), 1);
  arch.init();
  if (saved) setenv(kCoreVariable, saved->c_str(), 1);
  else unsetenv(kCoreVariable);
}

// cblas_sgemm against a float64 product for all four transpose combinations, on a shape small
// enough for OpenBLAS's small-matrix kernels and one above their limit (1e6 multiply-adds).
bool sgemm_matches_reference() {
  struct Dims {
    int m, n, k;
  };
  for (const Dims d : {Dims{29, 37, 67}, Dims{101, 97, 107}}) {
    const size_t m = size_t(d.m), n = size_t(d.n), k = size_t(d.k);
    std::vector<float> a(m * k), b(k * n);  // row-major m x k and k x n
    for (size_t i = 0; i < a.size(); ++i) a[i] = float(int((i * 7919) % 201) - 100) / 64.0f;
    for (size_t i = 0; i < b.size(); ++i) b[i] = float(int((i * 104729) % 199) - 99) / 32.0f;
    std::vector<double> exact(m * n), magnitude(m * n);
    for (size_t i = 0; i < m; ++i)
      for (size_t p = 0; p < k; ++p)
        for (size_t j = 0; j < n; ++j) {
          const double t = double(a[i * k + p]) * double(b[p * n + j]);
          exact[i * n + j] += t;
          magnitude[i * n + j] += std::fabs(t);
        }
    auto transposed = [](const std::vector<float>& x, size_t rows, size_t cols) {
      std::vector<float> t(x.size());
      for (size_t r = 0; r < rows; ++r)
        for (size_t c = 0; c < cols; ++c) t[c * rows + r] = x[r * cols + c];
      return t;
    };
    const std::vector<float> at = transposed(a, m, k), bt = transposed(b, k, n);
    for (const bool ta : {false, true})
      for (const bool tb : {false, true}) {
        std::vector<float> c(m * n, std::nanf(""));  // beta = 0 must not read C
        cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, d.m, d.n, d.k,
                    1.0f, ta ? at.data() : a.data(), ta ? d.m : d.k, tb ? bt.data() : b.data(), tb ? d.k : d.n, 0.0f,
                    c.data(), d.n);
        // float32 accumulation of k terms in any order, with or without FMA.
        for (size_t i = 0; i < c.size(); ++i)
          if (!(std::fabs(double(c[i]) - exact[i]) <= 2.0 * double(k) * 6e-8 * magnitude[i])) return false;
      }
  }
  return true;
}

std::string cpu_name() {
#if defined(__x86_64__)
  unsigned regs[12] = {};
  unsigned top = 0, ebx = 0, ecx = 0, edx = 0;
  __get_cpuid(0x80000000u, &top, &ebx, &ecx, &edx);
  std::string name;
  if (top >= 0x80000004u) {
    for (unsigned i = 0; i < 3; ++i) __get_cpuid(0x80000002u + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
    name.assign(reinterpret_cast<const char*>(regs), strnlen(reinterpret_cast<const char*>(regs), sizeof regs));
    name.erase(name.find_last_not_of(' ') + 1);
    name.erase(0, name.find_first_not_of(' '));
  }
  unsigned eax = 0;
  __get_cpuid(1, &eax, &ebx, &ecx, &edx);
  unsigned family = (eax >> 8) & 0xf, model = (eax >> 4) & 0xf;
  if (family == 0xf) family += (eax >> 20) & 0xff;
  if (family >= 6) model += ((eax >> 16) & 0xf) << 4;
  return (name.empty() ? "x86-64" : name) + " (family " + std::to_string(family) + ", model " + std::to_string(model) + ")";
#else
  return "not x86-64";
#endif
}

// What the once-per-process choice did; read by every blas_info() call.
struct Choice {
  std::string chosen_by;
  std::string failure;  // why the best kernels could not run, when they could not
};

Choice choose_once() {
  set_blas_num_threads(1);
  const CpuFeatures cpu = detect_cpu_features();
  const std::string openblas_core = openblas_get_corename();
  if (const char* user = std::getenv(kCoreVariable); user && *user)
    return {std::string("the user (") + kCoreVariable + "=" + user + ")",
            std::string(kCoreVariable) + "=" + user + " is set"};
  if (!openblas().dynamic_arch) return {"OpenBLAS", "this OpenBLAS cannot switch kernels (not a DYNAMIC_ARCH build)"};
  const std::string best = choose_blas_core(cpu, openblas_core, openblas().known_cores);
  if (best.empty()) return {"OpenBLAS", "this OpenBLAS has no faster kernels for this CPU"};
  if (use_blas_core(best))
    return {"minidl from the CPU's features (OpenBLAS chose " + openblas_core + ")", ""};
  return {"OpenBLAS (its " + best + " kernels failed minidl's check)",
          "its " + best + " kernels failed minidl's check against a float64 product"};
}

const Choice& choice() {
  static const Choice c = choose_once();
  return c;
}

}  // namespace

void set_blas_num_threads(int n) {
  openblas_set_num_threads(n);
  if (n != 1) return;
  // OpenBLAS starts its workers when it loads, and an idle one spins on sched_yield for 2^28
  // cycles (~0.1 s) before it sleeps: a whole core, taken from a short run's other threads.
  // At one thread OpenBLAS calls none of them, so they are ended; asked for more threads,
  // OpenBLAS starts them again on its next threaded call. Looked up: not every build has it.
  using ShutdownFn = int (*)();
  static const auto shutdown = reinterpret_cast<ShutdownFn>(dlsym(RTLD_DEFAULT, "blas_thread_shutdown_"));
  if (shutdown != nullptr) shutdown();
}

CpuFeatures detect_cpu_features() {
  CpuFeatures cpu;
#if defined(__x86_64__)
  __builtin_cpu_init();
  cpu.amd = __builtin_cpu_is("amd");
  cpu.avx = __builtin_cpu_supports("avx");
  cpu.avx2 = __builtin_cpu_supports("avx2");
  cpu.fma = __builtin_cpu_supports("fma");
  cpu.avx512f = __builtin_cpu_supports("avx512f");
  cpu.avx512bw = __builtin_cpu_supports("avx512bw");
  cpu.avx512vl = __builtin_cpu_supports("avx512vl");
  cpu.avx512dq = __builtin_cpu_supports("avx512dq");
  cpu.avx512bf16 = __builtin_cpu_supports("avx512bf16");
#endif
  return cpu;
}

bool use_blas_core(std::string_view core) {
  static std::mutex switching;
  const std::lock_guard lock(switching);
  if (!openblas().dynamic_arch) return false;
  const DynamicArch& arch = *openblas().dynamic_arch;
  const std::string before = openblas_get_corename();
  const std::string wanted(core);
  reinit_openblas(arch, wanted);
  // OpenBLAS maps a name it does not know, or a core the CPU cannot run, to another one.
  if (strcasecmp(openblas_get_corename(), wanted.c_str()) == 0 && sgemm_matches_reference()) return true;
  reinit_openblas(arch, before);
  if (strcasecmp(openblas_get_corename(), before.c_str()) != 0) reinit_openblas(arch, "");
  return false;
}

BlasInfo blas_info() {
  const Choice& c = choice();
  BlasInfo info;
  info.config = openblas_get_config();
  info.core = openblas_get_corename();
  info.chosen_by = c.chosen_by;
  info.cpu = cpu_name();
  info.features = detect_cpu_features();
  if (blas_core_is_slow(info.features, info.core))
    info.warning = "OpenBLAS runs its " + info.core + " kernels on a CPU with AVX2 and FMA, several times slower: " +
                   (c.failure.empty() ? "they were chosen by hand" : c.failure);
  return info;
}

}  // namespace minidl
