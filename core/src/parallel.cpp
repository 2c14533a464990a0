#include "minidl/core/parallel.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "minidl/core/blas.hpp"
#include "minidl/core/error.hpp"

namespace minidl {

namespace {
// The thread setting: the one piece of global state the core layer keeps.
std::mutex thread_mutex;
std::unique_ptr<tbb::global_control> thread_limit;
int thread_count = 0;

// OpenBLAS runs single-threaded always: GEMMs are tiled on TBB instead, so the two pools never
// compete for the cores and results do not depend on the thread count.
const bool openblas_single = [] {
  set_blas_num_threads(1);
  return true;
}();
}  // namespace

void set_num_threads(int n) {
  if (n < 1) throw ValueError("set_num_threads: n must be >= 1, got " + std::to_string(n));
  std::lock_guard lock(thread_mutex);
  thread_limit.reset();
  thread_limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                       static_cast<size_t>(n));
  thread_count = n;
  set_blas_num_threads(1);
}

int get_num_threads() {
  std::lock_guard lock(thread_mutex);
  if (thread_count > 0) return thread_count;
  return static_cast<int>(
      tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
}

namespace detail {
void parallel_for_tbb(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& body) {
  (void)openblas_single;
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, n, static_cast<size_t>(grain)),
                    [&](const tbb::blocked_range<int64_t>& r) { body(r.begin(), r.end()); });
}
}  // namespace detail

void parallel_chunks(int64_t n, int64_t chunk, const std::function<void(int64_t, int64_t)>& body) {
  if (n <= 0) return;
  const int64_t chunks = (n + chunk - 1) / chunk;
  if (chunks == 1) {
    body(0, n);
    return;
  }
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, chunks, 1), [&](const tbb::blocked_range<int64_t>& r) {
    for (int64_t k = r.begin(); k < r.end(); ++k) body(k * chunk, std::min(n, (k + 1) * chunk));
  });
}

void run_serially(const std::function<void()>& fn) {
  // An arena of one slot, kept for this thread: it asks TBB for no workers at all.
  tbb::task_arena serial(1);
  serial.execute(fn);
}

}  // namespace minidl
