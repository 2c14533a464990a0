#include "minidl/experiment/host_report.hpp"

#include <fmt/format.h>

#include "minidl/core/blas.hpp"
#include "minidl/core/parallel.hpp"
#include "minidl/experiment/trainer.hpp"

namespace minidl::experiment {

std::string version_report() {
  const BlasInfo blas = blas_info();
  std::string text = fmt::format(
      "minidl {}\nBLAS: {}\nBLAS core: {}, chosen by {}\nCPU: {}; {}\nthreads: {} (OpenBLAS runs 1 per GEMM tile)",
      version(), blas.config, blas.core, blas.chosen_by, blas.cpu, to_string(blas.features), get_num_threads());
  if (!blas.warning.empty()) text += "\nwarning: " + blas.warning;
  return text;
}

void warn_if_blas_slow(std::ostream& err) {
  if (const std::string warning = blas_info().warning; !warning.empty()) err << "minidl: warning: " << warning << "\n";
}

}  // namespace minidl::experiment
