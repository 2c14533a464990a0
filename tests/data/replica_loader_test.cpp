// DataLoader with num_replicas/rank: the global batches of data-parallel training, split so
// that the replicas together see exactly what one loader sees.
#include <gtest/gtest.h>

#include <vector>

#include "data_test_helpers.hpp"
#include "minidl/data.hpp"

namespace minidl::data {
namespace {

using testing::indexed_dataset;
using testing::one_epoch;

TEST(ReplicaShare, SplitsContiguouslyWithTheFirstRanksTakingTheRemainder) {
  EXPECT_EQ(replica_share(10, 0, 3).begin, 0);
  EXPECT_EQ(replica_share(10, 0, 3).end, 4);
  EXPECT_EQ(replica_share(10, 1, 3).begin, 4);
  EXPECT_EQ(replica_share(10, 1, 3).end, 7);
  EXPECT_EQ(replica_share(10, 2, 3).end, 10);
  EXPECT_EQ(replica_share(1, 1, 2).size(), 0);  // a last batch smaller than the replicas
  EXPECT_THROW(replica_share(4, 2, 2), ValueError);
}

// Concatenating every replica's batch in rank order gives the single loader's batch, for
// shuffled epochs, uneven last batches and replicas that get no row of a batch.
struct ReplicaCase {
  int64_t n, batch_size, replicas;
};
class ReplicasTogether : public ::testing::TestWithParam<ReplicaCase> {};

TEST_P(ReplicasTogether, SeeExactlyTheSingleLoadersBatches) {
  const auto [n, batch_size, replicas] = GetParam();
  const TensorDataset ds = indexed_dataset(n);
  DataLoader single(ds, {.batch_size = batch_size, .shuffle = true, .seed = 7});
  single.set_epoch(3);
  const auto expected = one_epoch(single);
  std::vector<std::vector<int64_t>> together(expected.size());
  for (int64_t rank = 0; rank < replicas; ++rank) {
    DataLoader part(ds, {.batch_size = batch_size, .shuffle = true, .seed = 7, .num_replicas = replicas, .rank = rank});
    part.set_epoch(3);
    ASSERT_EQ(part.size(), single.size());
    const auto batches = one_epoch(part);
    ASSERT_EQ(batches.size(), expected.size());
    for (size_t b = 0; b < batches.size(); ++b) {
      const int64_t global = part.global_batch_rows(static_cast<int64_t>(b));
      EXPECT_EQ(static_cast<int64_t>(batches[b].size()), replica_share(global, rank, replicas).size());
      together[b].insert(together[b].end(), batches[b].begin(), batches[b].end());
    }
  }
  EXPECT_EQ(together, expected);
}

INSTANTIATE_TEST_SUITE_P(Shapes, ReplicasTogether,
                         ::testing::Values(ReplicaCase{10, 4, 2}, ReplicaCase{11, 4, 3}, ReplicaCase{9, 4, 4},
                                           ReplicaCase{2, 8, 4}, ReplicaCase{100, 32, 1}));

TEST(ReplicaLoader, RefusesARankOutsideTheReplicasAndTooSmallAGlobalBatch) {
  const TensorDataset ds = indexed_dataset(10);
  EXPECT_THROW(DataLoader(ds, {.batch_size = 4, .num_replicas = 2, .rank = 2}), ValueError);
  EXPECT_THROW(DataLoader(ds, {.batch_size = 1, .num_replicas = 2, .rank = 0}), ValueError);
}

TEST(ReplicaLoader, GlobalBatchRowsCountsEveryReplicasRows) {
  DataLoader loader(indexed_dataset(10), {.batch_size = 4, .num_replicas = 2, .rank = 1});
  EXPECT_EQ(loader.global_batch_rows(0), 4);
  EXPECT_EQ(loader.global_batch_rows(2), 2);
  EXPECT_THROW(loader.global_batch_rows(3), IndexError);
}

}  // namespace
}  // namespace minidl::data
