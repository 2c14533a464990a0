// A library that takes two seconds to load: its constructor runs while the dynamic loader holds
// its lock, as PLplot's cairo driver does while it loads pango and fontconfig. The constructor
// first writes a byte to the pipe named by MINIDL_TEST_LOADING_FD, so the test knows it has begun.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

namespace {

[[gnu::constructor]] void load_slowly() {
  if (const char* fd = std::getenv("MINIDL_TEST_LOADING_FD")) {
    const char started = 1;
    if (write(std::atoi(fd), &started, 1) != 1) std::abort();
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
}

}  // namespace
