// DataParallel and the failure protocol, run by ctest as `mpirun -np 2 distributed_tests`:
// every process runs every test, and each asserts what its own rank must see.
#include <gtest/gtest.h>

#include <stdexcept>

#include "minidl/distributed/communicator.hpp"
#include "minidl/distributed/data_parallel.hpp"
#include "minidl/distributed/failure.hpp"
#include "minidl/nn/batch_norm.hpp"
#include "minidl/nn/linear.hpp"
#include "minidl/nn/sequential.hpp"
#include "minidl/nn/activation.hpp"
#include "minidl/autograd/ops.hpp"

namespace minidl::distributed {
namespace {

Communicator world() { return Communicator::world(); }

TEST(DataParallel, StartsEveryProcessFromRankZerosParameters) {
  Generator gen(100 + static_cast<uint64_t>(world().rank()));  // a different init on each rank
  nn::Linear layer(3, 2, true, gen);
  DataParallel replicas(world(), layer);
  std::vector<float> weights = layer.weight().data().contiguous().to_vector();
  Generator rank0(100);
  nn::Linear expected(3, 2, true, rank0);
  EXPECT_EQ(weights, expected.weight().data().contiguous().to_vector());
}

TEST(DataParallel, GradientsBecomeTheWeightedSumOverProcesses) {
  Generator gen(1);
  nn::Linear layer(2, 1, true, gen);
  DataParallel replicas(world(), layer);
  const int rank = world().rank();
  // Rank r holds gradient r + 1 everywhere and weight 1 / (r + 1): each contributes 1.
  Variable weight = layer.weight(), bias = layer.bias();  // handles to the layer's parameters
  weight.set_grad(Tensor::full({1, 2}, static_cast<float>(rank + 1)));
  // The bias has no gradient on rank 0 (it counts as zero).
  if (rank != 0) bias.set_grad(Tensor::full({1}, 2.0f));
  const double loss = replicas.allreduce_gradients(1.0 / (rank + 1), /*value=*/rank + 1.0);
  const int n = world().size();
  EXPECT_DOUBLE_EQ(loss, n);
  EXPECT_FLOAT_EQ(layer.weight().grad().at({0, 1}), static_cast<float>(n));
  EXPECT_NEAR(layer.bias().grad().at({0}), [&] {
    double s = 0;
    for (int r = 1; r < n; ++r) s += 2.0 / (r + 1);
    return s;
  }(), 1e-6);
}

TEST(DataParallel, AFailureOnOneRankIsThrownOnEveryRank) {
  Generator gen(1);
  nn::Linear layer(2, 1, true, gen);
  DataParallel replicas(world(), layer);
  std::exception_ptr failure;
  if (world().rank() == 1) failure = std::make_exception_ptr(IOError("cannot read 'shard.csv'"));
  if (world().rank() == 1) {
    EXPECT_THROW(replicas.allreduce_gradients(1.0, 0.0, failure), IOError);  // its own exception
  } else {
    try {
      replicas.allreduce_gradients(1.0, 0.0, failure);
      ADD_FAILURE() << "rank " << world().rank() << " went on";
    } catch (const RemoteError& e) {
      EXPECT_EQ(e.rank, 1);
      EXPECT_NE(std::string(e.what()).find("rank 1: cannot read 'shard.csv'"), std::string::npos) << e.what();
    }
  }
}

TEST(RunTogether, ReturnsWhenNoProcessFailedAndThrowsTheLowestFailingRanksError) {
  EXPECT_NO_THROW(run_together(world(), [] {}));
  try {
    run_together(world(), [] { throw ValueError("rank " + std::to_string(world().rank()) + " says no"); });
    ADD_FAILURE() << "no throw";
  } catch (const RemoteError& e) {
    EXPECT_NE(world().rank(), 0);
    EXPECT_NE(std::string(e.what()).find("rank 0: rank 0 says no"), std::string::npos) << e.what();
  } catch (const ValueError& e) {
    EXPECT_EQ(world().rank(), 0) << e.what();
  }
}

TEST(DataParallel, AverageBuffersGivesEveryProcessTheMeanRunningStatistics) {
  nn::BatchNorm1d bn(2);
  DataParallel replicas(world(), bn);
  const auto buffers = bn.named_buffers();
  Tensor mean = buffers[0].second;  // running_mean
  mean.copy_(Tensor::full({2}, static_cast<float>(world().rank())));
  replicas.average_buffers();
  const int n = world().size();
  EXPECT_FLOAT_EQ(mean.at({1}), static_cast<float>(n - 1) / 2.0f);
}

// A small net's gradients after `steps` steps from this rank's own rows (every rank a different
// batch, the same each step). From the second step on, the buckets follow backward's order.
std::vector<std::vector<float>> gradients_after(int steps, DataParallel::Options options, bool expect) {
  Generator gen(7);
  nn::Sequential net{nn::Linear(3, 4, true, gen), nn::ReLU(), nn::Linear(4, 2, true, gen)};
  DataParallel replicas(world(), net, options);
  const double weight = 1.0 / (world().rank() + 1);
  Generator data(50 + static_cast<uint64_t>(world().rank()));
  const Variable x(Tensor::normal({5, 3}, 0.0f, 1.0f, data));
  for (int step = 0; step < steps; ++step) {
    for (Variable p : net.parameters()) p.set_grad(Tensor());
    if (expect) replicas.expect_backward(weight);
    sum(net(x)).backward();
    replicas.allreduce_gradients(weight);
  }
  std::vector<std::vector<float>> grads;
  for (const Variable& p : net.parameters()) grads.push_back(p.grad().contiguous().to_vector());
  return grads;
}

void expect_close(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].size(), b[i].size());
    for (size_t j = 0; j < a[i].size(); ++j) EXPECT_NEAR(a[i][j], b[i][j], 1e-6f) << "parameter " << i;
  }
}

TEST(DataParallel, BucketsStartedDuringBackwardGiveTheOneAllreduceGradients) {
  // 16-byte buckets: each parameter of the net is its own bucket, most started by backward.
  const auto at_once = gradients_after(1, {.overlap = false}, true);
  ASSERT_EQ(at_once.size(), 4u);
  expect_close(gradients_after(1, {.bucket_bytes = 16, .overlap = true}, true), at_once);
  expect_close(gradients_after(1, {.bucket_bytes = size_t{1} << 20}, false), at_once);
  // Later steps, with buckets in backward's order (24 bytes: some buckets hold two parameters).
  expect_close(gradients_after(3, {.bucket_bytes = 16}, true), at_once);
  expect_close(gradients_after(3, {.bucket_bytes = 24}, true), at_once);
}

TEST(DataParallel, AGradientReadyTwiceAfterOneExpectBackwardIsAnError) {
  Generator gen(1);
  nn::Linear layer(2, 1, true, gen);
  DataParallel replicas(world(), layer, {.bucket_bytes = 4});
  Variable x(Tensor::ones({1, 2}));
  replicas.expect_backward(1.0);
  sum(layer(x)).backward();
  EXPECT_THROW(sum(layer(x)).backward(), Error);  // a second backward, not announced
  replicas.allreduce_gradients(1.0);  // still finishes the step every process started
}

TEST(DataParallel, AWeightOtherThanTheExpectedOneFailsOnEveryProcess) {
  Generator gen(1);
  nn::Linear layer(2, 1, true, gen);
  DataParallel replicas(world(), layer);
  replicas.expect_backward(0.5);
  sum(layer(Variable(Tensor::ones({1, 2})))).backward();
  EXPECT_THROW(replicas.allreduce_gradients(0.25), Error);
  // The next step starts clean.
  replicas.expect_backward(0.5);
  EXPECT_NO_THROW(replicas.allreduce_gradients(0.5));
}

}  // namespace
}  // namespace minidl::distributed

// MPI for the whole program; gtest_main would not initialise it.
int main(int argc, char** argv) {
  minidl::distributed::Environment mpi;
  ::testing::InitGoogleTest(&argc, argv);
  // Only rank 0 reports (the others' failures show in the exit status).
  if (minidl::distributed::Communicator::world().rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  return RUN_ALL_TESTS();
}
