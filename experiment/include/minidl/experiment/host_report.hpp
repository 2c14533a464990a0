#pragma once
// What this host runs: minidl's version, the BLAS kernels, the CPU, the threads.
#include <ostream>
#include <string>

namespace minidl::experiment {

/// `minidl --version`'s text: the version, the BLAS library and version, its core and who chose
/// it, the CPU's name and features, the thread count, and any warning about the kernels; one
/// item per line.
std::string version_report();

/// Writes one "minidl: warning: ..." line to `err` when the BLAS kernels are known to be slow for
/// this CPU and nothing could fix it (see BlasInfo::warning); writes nothing otherwise.
void warn_if_blas_slow(std::ostream& err);

}  // namespace minidl::experiment
