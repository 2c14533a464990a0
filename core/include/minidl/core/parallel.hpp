#pragma once
// Thread control and the parallel loop every kernel uses.
#include <cstdint>
#include <functional>

namespace minidl {

/// Sets the threads TBB may use (tbb::global_control). OpenBLAS stays at one thread: minidl
/// splits GEMMs into fixed tiles itself, so results are bitwise identical for any count.
void set_num_threads(int n);
/// The thread count in force (the machine's cores unless set).
int get_num_threads();

/// Elements below which an elementwise loop stays serial: the scheduler costs more than it saves.
inline constexpr int64_t kGrainSize = 32768;

namespace detail {
void parallel_for_tbb(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& body);
}

/// Runs body(begin, end) over [0, n) in chunks of at least `grain`; serial (no scheduler, no
/// allocation) when n <= grain. Chunk boundaries may vary with threads: use it only where the
/// result does not depend on them.
template <class Body>
void parallel_for(int64_t n, int64_t grain, Body&& body) {
  if (n <= 0) return;
  if (n <= grain) {
    body(int64_t{0}, n);
    return;
  }
  detail::parallel_for_tbb(n, grain, std::function<void(int64_t, int64_t)>(body));
}

/// Runs body(chunk_begin, chunk_end) for each fixed chunk [k*chunk, (k+1)*chunk) of [0, n),
/// possibly in parallel. Chunking never depends on the thread count, so per-chunk results
/// combined in chunk order are bitwise reproducible.
void parallel_chunks(int64_t n, int64_t chunk, const std::function<void(int64_t, int64_t)>& body);

/// Runs fn on the calling thread with every parallel_for / parallel_chunks in it serial. For a
/// background thread beside the training thread (the data loader's producer): its parallel
/// loops would take TBB's workers, and the training thread's GEMM tiles would wait for them.
void run_serially(const std::function<void()>& fn);

}  // namespace minidl
