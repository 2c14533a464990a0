// A CPU OpenBLAS misdetects, simulated: ctest starts this program with OPENBLAS_CORETYPE=Prescott
// (what OpenBLAS 0.3.21 runs on an Intel family 6 model 207 Xeon) and the test removes the
// variable before minidl's first GEMM, so minidl sees OpenBLAS's own choice as Prescott.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "minidl/core.hpp"

extern "C" char* openblas_get_corename(void);

namespace minidl {
namespace {

TEST(BlasMisdetected, MinidlSwitchesToTheKernelsTheCpuFeaturesCallFor) {
  if (std::string(openblas_get_corename()) != "Prescott")
    GTEST_SKIP() << "run through ctest, which starts OpenBLAS as Prescott";
  unsetenv("OPENBLAS_CORETYPE");
  Generator gen(1);
  const Tensor a = Tensor::normal({64, 300}, 0, 1, gen), b = Tensor::normal({300, 50}, 0, 1, gen);
  (void)matmul(a, b);  // the first GEMM makes the choice
  const BlasInfo info = blas_info();
  const CpuFeatures& cpu = info.features;
  if (cpu.avx2 && cpu.fma) {
    EXPECT_NE(info.core, "Prescott");
    EXPECT_FALSE(blas_core_is_slow(cpu, info.core)) << info.core;
    EXPECT_EQ(info.chosen_by, "minidl from the CPU's features (OpenBLAS chose Prescott)");
    EXPECT_EQ(info.warning, "");
  } else {
    EXPECT_EQ(info.core, "Prescott");  // the best this CPU runs
  }
}

}  // namespace
}  // namespace minidl
