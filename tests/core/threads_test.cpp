// Thread control and determinism: 1 and 2 threads give bit-identical results.
#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "minidl/core.hpp"
#include "test_helpers.hpp"

using namespace minidl;

namespace {
// Runs f with 1 thread and with 2, restoring the previous setting afterwards.
void expect_same_for_1_and_2_threads(const std::function<Tensor()>& f) {
  const int before = get_num_threads();
  set_num_threads(1);
  const Tensor one = f();
  set_num_threads(2);
  const Tensor two = f();
  set_num_threads(before);
  EXPECT_TRUE(equal(one, two));
}

Tensor big(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  return Tensor::normal(shape, 0, 1, gen);
}
}  // namespace

TEST(Threads, SetAndGetTheThreadCount) {
  const int before = get_num_threads();
  set_num_threads(1);
  EXPECT_EQ(get_num_threads(), 1);
  set_num_threads(before);
  EXPECT_EQ(get_num_threads(), before);
  EXPECT_THROW(set_num_threads(0), ValueError);
}

TEST(Threads, RunSeriallyKeepsEveryParallelLoopOnTheCallingThread) {
  // What the data loader's producer thread runs in: its loops must leave TBB's workers to the
  // training thread, and still cover their range once.
  const int before = get_num_threads();
  set_num_threads(2);
  std::set<std::thread::id> ran_on;
  std::mutex m;
  std::vector<int> hits(100000, 0);
  std::thread background([&] {
    run_serially([&] {
      const auto body = [&](int64_t b, int64_t e) {
        {
          const std::lock_guard lock(m);
          ran_on.insert(std::this_thread::get_id());
        }
        for (int64_t i = b; i < e; ++i) ++hits[static_cast<size_t>(i)];
      };
      parallel_for(100000, 1000, body);
      parallel_chunks(100000, 1000, body);
    });
    EXPECT_EQ(ran_on, std::set<std::thread::id>{std::this_thread::get_id()});
  });
  background.join();
  set_num_threads(before);
  EXPECT_EQ(std::count(hits.begin(), hits.end(), 2), 100000);
}

TEST(Threads, ParallelForCoversTheRangeOnce) {
  std::vector<int> hits(100000, 0);
  parallel_for(100000, 1000, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) ++hits[static_cast<size_t>(i)];
  });
  EXPECT_EQ(std::count(hits.begin(), hits.end(), 1), 100000);
  std::vector<int64_t> chunk_of(10, -1);
  parallel_chunks(10, 3, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) chunk_of[static_cast<size_t>(i)] = b / 3;
  });
  EXPECT_EQ(chunk_of, (std::vector<int64_t>{0, 0, 0, 1, 1, 1, 2, 2, 2, 3}));
}

TEST(Threads, SumsAreBitIdentical) {
  const Tensor x = big({1 << 20}, 1);
  expect_same_for_1_and_2_threads([&] { return sum(x); });
  expect_same_for_1_and_2_threads([&] { return mean(x); });
  expect_same_for_1_and_2_threads([&] { return max(x); });
  expect_same_for_1_and_2_threads([&] { return argmax(x); });
  const Tensor m = x.view({1024, 1024});
  expect_same_for_1_and_2_threads([&] { return sum(m, 0); });
  expect_same_for_1_and_2_threads([&] { return sum(m, 1); });
  expect_same_for_1_and_2_threads([&] { return sum_to(m, {1024}); });
}

TEST(Threads, SoftmaxIsBitIdentical) {
  const Tensor x = big({2000, 500}, 2);
  expect_same_for_1_and_2_threads([&] { return softmax(x, 1); });
  expect_same_for_1_and_2_threads([&] { return log_softmax(x, 0); });
}

TEST(Threads, MatmulIsBitIdentical) {
  const Tensor a = big({256, 784}, 3), b = big({784, 256}, 4);
  expect_same_for_1_and_2_threads([&] { return matmul(a, b); });
  expect_same_for_1_and_2_threads([&] { return matmul(a.t().contiguous().t(), b); });
  expect_same_for_1_and_2_threads([&] { return addmm(big({256}, 5), a, b); });
}

TEST(Threads, ElementwiseIsBitIdentical) {
  const Tensor a = big({1000, 1000}, 6), b = big({1000}, 7);
  expect_same_for_1_and_2_threads([&] { return exp(a) * b + a.t(); });
}
