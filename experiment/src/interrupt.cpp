#include "interrupt.hpp"

#include <csignal>

namespace minidl::experiment {

namespace {

volatile std::sig_atomic_t interrupted = 0;
struct sigaction replaced {};

extern "C" void on_interrupt(int) { interrupted = 1; }

}  // namespace

InterruptRequest::InterruptRequest() {
  interrupted = 0;
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  // Once caught, SIGINT's default action is back: a second Ctrl-C ends the process at once.
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, &replaced);
}

InterruptRequest::~InterruptRequest() { sigaction(SIGINT, &replaced, nullptr); }

bool InterruptRequest::requested() const { return interrupted != 0; }

}  // namespace minidl::experiment
