// The choice of OpenBLAS core from CPU features: pure functions, tested on any CPU.
#include <algorithm>
#include <array>
#include <cctype>

#include "minidl/core/blas.hpp"

namespace minidl {

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// How much of the CPU a core's sgemm kernels use: 0 SSE only, 1 AVX, 2 AVX2+FMA, 3 AVX-512,
// 4 AVX-512 with BF16. -1 for a name minidl does not know (a newer OpenBLAS's: left alone).
int core_rank(std::string_view core) {
  struct Ranked {
    std::string_view name;
    int rank;
  };
  static constexpr std::array<Ranked, 27> ranks = {{
      {"Unknown", 0},     {"Katmai", 0},        {"Coppermine", 0},     {"Northwood", 0},   {"Prescott", 0},
      {"Banias", 0},      {"Atom", 0},          {"Core2", 0},          {"Penryn", 0},      {"Dunnington", 0},
      {"Nehalem", 0},     {"Athlon", 0},        {"Opteron", 0},        {"Opteron_SSE3", 0}, {"Barcelona", 0},
      {"Nano", 0},        {"Bobcat", 0},        {"Sandybridge", 1},    {"Bulldozer", 1},   {"Piledriver", 1},
      {"Steamroller", 1}, {"Excavator", 1},     {"Haswell", 2},        {"Zen", 2},         {"SkylakeX", 3},
      {"Cooperlake", 4},  {"SapphireRapids", 4},
  }};
  for (const Ranked& r : ranks)
    if (same_name(r.name, core)) return r.rank;
  return -1;
}

}  // namespace

std::string to_string(const CpuFeatures& cpu) {
  const std::array<std::pair<bool, const char*>, 8> named = {{{cpu.avx, "avx"},
                                                              {cpu.avx2, "avx2"},
                                                              {cpu.fma, "fma"},
                                                              {cpu.avx512f, "avx512f"},
                                                              {cpu.avx512bw, "avx512bw"},
                                                              {cpu.avx512vl, "avx512vl"},
                                                              {cpu.avx512dq, "avx512dq"},
                                                              {cpu.avx512bf16, "avx512_bf16"}}};
  std::string out;
  for (const auto& [present, name] : named) {
    if (!present) continue;
    if (!out.empty()) out += ' ';
    out += name;
  }
  return out.empty() ? "none of avx avx2 fma avx512" : out;
}

std::string choose_blas_core(const CpuFeatures& cpu, std::string_view current, const std::vector<std::string>& known) {
  const int current_rank = core_rank(current);
  if (current_rank < 0) return "";
  const bool avx512 = cpu.avx512f && cpu.avx512bw && cpu.avx512vl && cpu.avx512dq;
  std::vector<std::string_view> wanted;  // best first
  if (avx512 && cpu.avx512bf16) wanted.push_back("Cooperlake");
  if (avx512) wanted.push_back("SkylakeX");
  if (cpu.avx2 && cpu.fma) {
    if (cpu.amd) wanted.push_back("Zen");
    wanted.push_back("Haswell");
  }
  for (std::string_view core : wanted) {
    const auto it = std::find_if(known.begin(), known.end(), [&](const std::string& k) { return same_name(k, core); });
    if (it == known.end()) continue;  // this OpenBLAS is older than that core
    return core_rank(core) > current_rank ? *it : "";
  }
  return "";
}

bool blas_core_is_slow(const CpuFeatures& cpu, std::string_view core) {
  const int rank = core_rank(core);
  return cpu.avx2 && cpu.fma && rank >= 0 && rank < 2;
}

}  // namespace minidl
