#include "interrupt.hpp"

#include <atomic>
#include <csignal>
#include <cstdint>
#include <ctime>

namespace minidl::experiment {

namespace {

// A repeat of the signal within this time is the same Ctrl-C delivered again: timeout(1) and job
// schedulers send it to the process and to its process group, milliseconds apart. A person who
// presses Ctrl-C a second time to force the end does it later than that.
constexpr int64_t kRepeatNanoseconds = 500'000'000;

volatile std::sig_atomic_t interrupted = 0;
// When the first SIGINT came (CLOCK_MONOTONIC ns); 0 before it. Lock-free, so signal-safe.
std::atomic<int64_t> first_interrupt{0};
static_assert(std::atomic<int64_t>::is_always_lock_free);
struct sigaction replaced {};

int64_t monotonic_nanoseconds() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

extern "C" void on_interrupt(int) {
  const int64_t now = monotonic_nanoseconds();
  int64_t first = 0;
  if (first_interrupt.compare_exchange_strong(first, now)) {
    interrupted = 1;
    return;
  }
  if (now - first < kRepeatNanoseconds) return;
  // A second Ctrl-C: SIGINT's default action, at once (the signal stays pending until this
  // handler returns, then ends the process as a shell expects).
  std::signal(SIGINT, SIG_DFL);
  std::raise(SIGINT);
}

}  // namespace

InterruptRequest::InterruptRequest() {
  interrupted = 0;
  first_interrupt = 0;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &replaced);
}

InterruptRequest::~InterruptRequest() { sigaction(SIGINT, &replaced, nullptr); }

bool InterruptRequest::requested() const { return interrupted != 0; }

}  // namespace minidl::experiment
