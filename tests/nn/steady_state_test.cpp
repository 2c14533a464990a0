// A training step after the first makes no allocation the size of a batch's activations of its
// own: activations, gradients and what backward keeps come from the tensors' recycled blocks, so
// a step costs no fresh pages (a fresh multi-megabyte block is page faults and a clear on every
// step). Kernels' scratch buffers are bounded by an image, not the batch, and stay under 1 MiB.
// This executable replaces the global operator new to see every std::vector and std::make_shared
// a step makes.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "minidl/autograd/image_ops.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/nn/activation.hpp"
#include "minidl/nn/batch_norm.hpp"
#include "minidl/nn/conv2d.hpp"
#include "minidl/nn/flatten.hpp"
#include "minidl/nn/linear.hpp"
#include "minidl/nn/loss.hpp"
#include "minidl/nn/pooling.hpp"
#include "minidl/nn/sequential.hpp"

namespace {

// Larger than any kernel's scratch buffer (the biggest, the sample-lanes gradient rows, is capped
// at 1 MiB); at a batch of 256, every image activation here is larger than this.
constexpr std::size_t kLarge = (std::size_t{1} << 20) + 1;
std::atomic<int64_t> large_allocations{0};

void* counted(std::size_t bytes) {
  if (bytes >= kLarge) large_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(bytes == 0 ? 1 : bytes)) return p;
  throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t bytes) { return counted(bytes); }
void* operator new[](std::size_t bytes) { return counted(bytes); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace minidl::nn {
namespace {

// Operator-new allocations larger than kLarge made by `steps` training steps of `net` on one batch, after
// two steps of warm-up (the first step sizes the thread-local scratch buffers).
int64_t large_allocations_in_steps(Sequential& net, int steps) {
  Generator gen(0);
  const Variable x(Tensor::normal({256, 1, 28, 28}, 0, 1, gen));
  const Variable y(Tensor::from_int64(std::vector<int64_t>(256, 3), {256}));
  CrossEntropyLoss loss_fn;
  const auto step = [&] {
    net.zero_grad();
    loss_fn(net(x), y).backward();
  };
  step();
  step();
  const int64_t before = large_allocations.load();
  for (int i = 0; i < steps; ++i) step();
  return large_allocations.load() - before;
}

TEST(SteadyState, ATrainingStepOfAnImageModelAllocatesNothingTheSizeOfItsActivations) {
  Generator gen(0);
  Sequential net{Conv2d({.in_channels = 1, .out_channels = 16, .kernel_size = 3, .padding = 1}, gen),
                 BatchNorm2d(16),
                 ReLU(),
                 MaxPool2d({.kernel_size = 3, .stride = 2, .padding = 1}),
                 Conv2d({.in_channels = 16, .out_channels = 16, .kernel_size = 3, .padding = 1}, gen),
                 ReLU(),
                 MaxPool2d({.kernel_size = 3, .stride = 1, .padding = 1}),
                 AvgPool2d({.kernel_size = 2}),
                 AdaptiveAvgPool2d({.output_size = 1}),
                 Flatten(),
                 Linear(16, 10, true, gen)};
  EXPECT_EQ(large_allocations_in_steps(net, 3), 0);
}

// d2l's branching blocks, written with the functional ops: an Inception's branches joined by
// cat, a residual sum, a 3x3 convolution on 7x7 and on 2x2 images (the im2col and dense paths).
TEST(SteadyState, ABranchingBlocksStepAllocatesNothingTheSizeOfItsActivations) {
  Generator gen(0);
  const Variable x(Tensor::normal({256, 16, 7, 7}, 0, 1, gen));
  const Variable small(Tensor::normal({256, 16, 2, 2}, 0, 1, gen));
  Variable w(Tensor::normal({16, 16, 3, 3}, 0, 0.1f, gen), true);
  Variable b(Tensor::zeros({16}), true);
  const auto step = [&] {
    w.zero_grad();
    b.zero_grad();
    const Variable branch = relu(conv2d(x, w, b, 1, 1));
    const Variable joined = cat({branch, max_pool2d(x, 3, 1, 1)}, 1);
    sum(joined).backward();
    sum(relu(conv2d(small, w, b, 1, 1) + small)).backward();
  };
  step();
  step();
  const int64_t before = large_allocations.load();
  for (int i = 0; i < 3; ++i) step();
  EXPECT_EQ(large_allocations.load() - before, 0);
}

}  // namespace
}  // namespace minidl::nn
