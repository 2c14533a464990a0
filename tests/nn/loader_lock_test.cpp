// A run's curves painter loads PLplot's cairo driver on a thread of its own while the run trains
// (tens of milliseconds of dlopen, with the dynamic loader's lock held). A training step must not
// wait for that lock: a loss once kept its class name in a thread_local map, whose first use
// registers a destructor under that lock, and linreg's first step took 6.5 ms instead of 40 us.
// The first GEMM also chooses OpenBLAS's kernels; it once looked up OpenBLAS's entry points with
// dlsym then, which takes that lock too (seen where OPENBLAS_CORETYPE was not set).
#include <gtest/gtest.h>

#include <dlfcn.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <string>
#include <thread>

#include "minidl/nn/linear.hpp"
#include "minidl/nn/loss.hpp"

namespace minidl::nn {
namespace {

using Clock = std::chrono::steady_clock;

// One training step of a linear regression on a thread that has not run one before.
double seconds_of_a_first_step(std::future<void> go) {
  go.wait();
  const auto start = Clock::now();
  Linear model(2, 1);
  const Variable x(Tensor::from(std::vector<float>{1, 2, 3, 4}, {2, 2}));
  const Variable y(Tensor::from(std::vector<float>{1, 2}, {2, 1}));
  for (const auto& loss : std::vector<std::shared_ptr<Loss>>{std::make_shared<MSELoss>(),
                                                             std::make_shared<CrossEntropyLoss>()}) {
    model.zero_grad();
    const Variable target = dynamic_cast<CrossEntropyLoss*>(loss.get())
                                ? Variable(Tensor::from_int64(std::vector<int64_t>{0, 0}, {2}))
                                : y;
    (*loss)(model(x), target).backward();
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(LoaderLock, ATrainingStepDoesNotWaitForALibraryAnotherThreadIsLoading) {
  // minidl chooses the kernels itself only when the user has not (OpenBLAS read it at load).
  ASSERT_EQ(unsetenv("OPENBLAS_CORETYPE"), 0);
  int started[2];
  ASSERT_EQ(pipe(started), 0);
  ASSERT_EQ(setenv("MINIDL_TEST_LOADING_FD", std::to_string(started[1]).c_str(), 1), 0);

  // The training thread exists before the loading begins, as the run's main thread does.
  std::promise<void> go;
  std::future<double> step = std::async(std::launch::async, seconds_of_a_first_step, go.get_future());
  std::thread loader([] {
    if (void* library = dlopen(MINIDL_SLOW_TO_LOAD, RTLD_NOW)) dlclose(library);
  });
  char byte = 0;
  ASSERT_EQ(read(started[0], &byte, 1), 1) << "the slow library's constructor did not start";
  go.set_value();  // the loader's lock is held for two seconds from now
  const double seconds = step.get();
  loader.join();
  close(started[0]);
  close(started[1]);
  EXPECT_LT(seconds, 1.0) << "the step waited for the dynamic loader's lock";
}

}  // namespace
}  // namespace minidl::nn
