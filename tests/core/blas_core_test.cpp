// Which OpenBLAS kernels minidl runs: the choice from CPU features (any CPU can be described,
// so these cases hold whatever CPU runs the tests), and the switch on the CPU that runs them.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "minidl/core.hpp"

extern "C" char* openblas_get_corename(void);

namespace minidl {
namespace {

// The cores Debian 12's OpenBLAS 0.3.21 has among those minidl may choose.
const std::vector<std::string> kOpenBlas0321 = {"Cooperlake", "SkylakeX", "Haswell", "Zen"};

CpuFeatures avx2_cpu(bool amd = false) {
  CpuFeatures cpu;
  cpu.amd = amd;
  cpu.avx = cpu.avx2 = cpu.fma = true;
  return cpu;
}

CpuFeatures avx512_cpu(bool bf16 = false) {
  CpuFeatures cpu = avx2_cpu();
  cpu.avx512f = cpu.avx512bw = cpu.avx512vl = cpu.avx512dq = true;
  cpu.avx512bf16 = bf16;
  return cpu;
}

TEST(BlasCoreChoice, AnAvx512XeonOpenBlasTakesForPrescottGetsSkylakeX) {
  // Intel family 6 model 207: OpenBLAS 0.3.21 does not know the model and runs SSE3 kernels.
  EXPECT_EQ(choose_blas_core(avx512_cpu(), "Prescott", kOpenBlas0321), "SkylakeX");
}

TEST(BlasCoreChoice, Bf16GetsCooperlakeOnlyWhereThisOpenBlasHasIt) {
  EXPECT_EQ(choose_blas_core(avx512_cpu(/*bf16=*/true), "Prescott", kOpenBlas0321), "Cooperlake");
  EXPECT_EQ(choose_blas_core(avx512_cpu(true), "Prescott", {"SkylakeX", "Haswell"}), "SkylakeX");
}

TEST(BlasCoreChoice, Avx2GetsHaswellOnIntelAndZenOnAmd) {
  EXPECT_EQ(choose_blas_core(avx2_cpu(), "Core2", kOpenBlas0321), "Haswell");
  EXPECT_EQ(choose_blas_core(avx2_cpu(/*amd=*/true), "Barcelona", kOpenBlas0321), "Zen");
  EXPECT_EQ(choose_blas_core(avx2_cpu(true), "Prescott", {"Haswell"}), "Haswell");
}

TEST(BlasCoreChoice, AnAmdCpuWithAvx512GetsTheAvx512Kernels) {
  CpuFeatures zen4 = avx512_cpu(/*bf16=*/true);
  zen4.amd = true;
  EXPECT_EQ(choose_blas_core(zen4, "Zen", kOpenBlas0321), "Cooperlake");
}

TEST(BlasCoreChoice, OpenBlasIsKeptWhenItsChoiceIsAsGood) {
  EXPECT_EQ(choose_blas_core(avx2_cpu(true), "Zen", kOpenBlas0321), "");
  EXPECT_EQ(choose_blas_core(avx2_cpu(true), "Haswell", kOpenBlas0321), "");  // the same kernels
  EXPECT_EQ(choose_blas_core(avx512_cpu(), "SkylakeX", kOpenBlas0321), "");
}

TEST(BlasCoreChoice, NeverDowngrades) {
  EXPECT_EQ(choose_blas_core(avx2_cpu(), "SkylakeX", kOpenBlas0321), "");
  EXPECT_EQ(choose_blas_core(avx512_cpu(true), "SapphireRapids", {"SapphireRapids", "Cooperlake", "SkylakeX"}), "");
}

TEST(BlasCoreChoice, ACoreNameMinidlDoesNotKnowIsLeftAlone) {
  EXPECT_EQ(choose_blas_core(avx512_cpu(), "GraniteRapids", kOpenBlas0321), "");
}

TEST(BlasCoreChoice, WithoutAvx2AndFmaOpenBlasDecides) {
  CpuFeatures sse_only;
  EXPECT_EQ(choose_blas_core(sse_only, "Prescott", kOpenBlas0321), "");
  CpuFeatures avx2_no_fma = avx2_cpu();
  avx2_no_fma.fma = false;
  EXPECT_EQ(choose_blas_core(avx2_no_fma, "Sandybridge", kOpenBlas0321), "");
}

TEST(BlasCoreChoice, PartialAvx512IsNotEnoughForSkylakeX) {
  CpuFeatures cpu = avx512_cpu();
  cpu.avx512bw = false;
  EXPECT_EQ(choose_blas_core(cpu, "Prescott", kOpenBlas0321), "Haswell");
}

TEST(BlasCoreChoice, NamesMatchWhateverTheirCaseAndComeBackAsTheLibrarySpellsThem) {
  EXPECT_EQ(choose_blas_core(avx2_cpu(), "PRESCOTT", {"haswell"}), "haswell");
}

TEST(BlasCoreChoice, AnOpenBlasWithNoFitterCoreIsKept) {
  EXPECT_EQ(choose_blas_core(avx512_cpu(), "Prescott", {}), "");
}

TEST(BlasCoreSlowness, SseKernelsOnAnAvx2FmaCpuAreSlow) {
  for (const char* core : {"Prescott", "Core2", "Nehalem", "Sandybridge"}) {
    EXPECT_TRUE(blas_core_is_slow(avx2_cpu(), core)) << core;
  }
  for (const char* core : {"Haswell", "Zen", "SkylakeX"}) {
    EXPECT_FALSE(blas_core_is_slow(avx512_cpu(), core)) << core;
  }
  EXPECT_FALSE(blas_core_is_slow(CpuFeatures{}, "Prescott"));  // the best this CPU can run
  EXPECT_FALSE(blas_core_is_slow(avx2_cpu(), "SomethingNew"));
}

TEST(BlasCoreFeatures, NamesThePresentFeaturesInOrder) {
  EXPECT_EQ(to_string(avx512_cpu(true)), "avx avx2 fma avx512f avx512bw avx512vl avx512dq avx512_bf16");
  EXPECT_EQ(to_string(CpuFeatures{}), "none of avx avx2 fma avx512");
}

// The switch itself, on the CPU that runs the tests: only where OpenBLAS can switch kernels.
class BlasSwitch : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(blas_info().config).find("DYNAMIC_ARCH") == std::string::npos)
      GTEST_SKIP() << "this OpenBLAS is not a DYNAMIC_ARCH build: " << blas_info().config;
    chosen_ = blas_info().core;
  }
  void TearDown() override {
    if (!chosen_.empty()) {
      EXPECT_TRUE(use_blas_core(chosen_));
    }
  }
  std::string chosen_;
};

TEST_F(BlasSwitch, WithoutOpenBlasCoretypeTheKernelsFitTheCpu) {
  if (std::getenv("OPENBLAS_CORETYPE")) GTEST_SKIP() << "OPENBLAS_CORETYPE is set";
  const BlasInfo info = blas_info();
  EXPECT_FALSE(blas_core_is_slow(info.features, info.core)) << info.core << " on " << to_string(info.features);
  EXPECT_EQ(info.warning, "");
  EXPECT_EQ(info.core, openblas_get_corename());
}

TEST_F(BlasSwitch, AnotherCoreRunsAfterTheSwitchAndGemmsStayCorrect) {
  ASSERT_TRUE(use_blas_core("Prescott"));  // SSE3: every x86-64 CPU runs it
  EXPECT_STREQ(openblas_get_corename(), "Prescott");
  Generator gen(3);
  const Tensor a = Tensor::normal({300, 200}, 0, 1, gen), b = Tensor::normal({200, 100}, 0, 1, gen);
  const Tensor slow = matmul(a, b);
  ASSERT_TRUE(use_blas_core(chosen_));
  EXPECT_STREQ(openblas_get_corename(), chosen_.c_str());
  EXPECT_TRUE(allclose(matmul(a, b), slow, 1e-4, 1e-4));
}

TEST_F(BlasSwitch, EveryCoreThisCpuRunsPassesTheCheck) {
  const CpuFeatures cpu = detect_cpu_features();
  const std::vector<std::pair<const char*, bool>> runnable = {
      {"Prescott", true},
      {"Core2", true},
      {"Nehalem", true},
      {"Sandybridge", cpu.avx},
      {"Haswell", cpu.avx2 && cpu.fma},
      {"SkylakeX", cpu.avx512f && cpu.avx512bw && cpu.avx512vl && cpu.avx512dq}};
  for (const auto& [core, runs] : runnable) {
    if (runs) {
      EXPECT_TRUE(use_blas_core(core)) << core;
    }
  }
}

TEST_F(BlasSwitch, ACoreOpenBlasDoesNotHaveIsRefusedAndTheKernelsStay) {
  EXPECT_FALSE(use_blas_core("NoSuchCore"));
  EXPECT_EQ(std::string(openblas_get_corename()), chosen_);
}

}  // namespace
}  // namespace minidl

namespace minidl {
namespace {

int64_t threads_of_this_process() {
  int64_t n = 0;
  for ([[maybe_unused]] const auto& task : std::filesystem::directory_iterator("/proc/self/task")) ++n;
  return n;
}

TEST(BlasThreads, OneThreadLeavesNoIdleOpenBlasWorkerSpinning) {
  // An idle OpenBLAS worker spins on sched_yield for ~0.1 s before it sleeps: a whole core,
  // taken from a short run's other threads. At one thread minidl ends them; asked for more,
  // OpenBLAS starts them again and its products stay right.
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "OpenBLAS starts no worker on one CPU";
  const Tensor a = Tensor::full({100, 100}, 0.5f), b = Tensor::full({100, 100}, 0.25f);
  (void)matmul(a, b);  // the first product's once-per-process setup, so it does not reset the count below
  set_blas_num_threads(2);
  EXPECT_FLOAT_EQ(matmul(a, b).to_vector()[0], 12.5f);  // 1e6 multiply-adds: OpenBLAS uses its workers
  const int64_t with_workers = threads_of_this_process();
  set_blas_num_threads(1);
  EXPECT_EQ(threads_of_this_process(), with_workers - 1);
  EXPECT_FLOAT_EQ(matmul(a, b).to_vector()[0], 12.5f);
}

}  // namespace
}  // namespace minidl
