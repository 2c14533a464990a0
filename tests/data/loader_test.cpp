// DataLoader: coverage, seeded epoch orders, resume, determinism, prefetch and clean shutdown.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <numeric>
#include <set>
#include <stdexcept>
#include <thread>

#include "data_test_helpers.hpp"
#include "minidl/core/parallel.hpp"
#include "minidl/data.hpp"

namespace minidl::data {
namespace {

using testing::indexed_dataset;
using testing::one_epoch;
using testing::sample_ids;

struct CoverageCase {
  int64_t n, batch_size;
  bool drop_last;
};

class EveryEpochCovers : public ::testing::TestWithParam<CoverageCase> {};

TEST_P(EveryEpochCovers, EachSampleExactlyOnce) {
  const auto [n, batch_size, drop_last] = GetParam();
  DataLoader loader(indexed_dataset(n), {.batch_size = batch_size, .shuffle = true, .drop_last = drop_last, .seed = 7});
  const int64_t full_batches = n / batch_size;
  const bool partial = n % batch_size != 0;
  EXPECT_EQ(loader.size(), full_batches + (partial && !drop_last ? 1 : 0));

  for (int epoch = 0; epoch < 3; ++epoch) {
    const auto batches = one_epoch(loader);
    ASSERT_EQ(static_cast<int64_t>(batches.size()), loader.size());
    std::multiset<int64_t> seen;
    for (size_t b = 0; b < batches.size(); ++b) {
      const bool last = b + 1 == batches.size();
      const int64_t expected = last && partial && !drop_last ? n % batch_size : batch_size;
      EXPECT_EQ(static_cast<int64_t>(batches[b].size()), expected) << "batch " << b;
      seen.insert(batches[b].begin(), batches[b].end());
    }
    const int64_t expected_samples = drop_last ? full_batches * batch_size : n;
    EXPECT_EQ(static_cast<int64_t>(seen.size()), expected_samples);
    EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), seen.size()) << "a sample repeated";
    for (int64_t id : seen) EXPECT_TRUE(id >= 0 && id < n);
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, EveryEpochCovers,
                         ::testing::Values(CoverageCase{12, 4, false}, CoverageCase{12, 4, true},
                                           CoverageCase{10, 3, false}, CoverageCase{10, 3, true},
                                           CoverageCase{10, 10, false}, CoverageCase{10, 16, false},
                                           CoverageCase{1, 1, false}, CoverageCase{257, 32, false},
                                           CoverageCase{257, 32, true}));

TEST(DataLoader, DropLastWithBatchLargerThanDatasetYieldsNothing) {
  DataLoader loader(indexed_dataset(10), {.batch_size = 16, .drop_last = true});
  EXPECT_EQ(loader.size(), 0);
  EXPECT_TRUE(one_epoch(loader).empty());
  EXPECT_EQ(loader.epoch(), 1);
}

TEST(DataLoader, WithoutShuffleBatchesFollowTheDataset) {
  DataLoader loader(indexed_dataset(7), {.batch_size = 3});
  const std::vector<std::vector<int64_t>> expected{{0, 1, 2}, {3, 4, 5}, {6}};
  EXPECT_EQ(one_epoch(loader), expected);
  EXPECT_EQ(one_epoch(loader), expected);
}

TEST(DataLoader, BatchesCarryFeaturesAndTargetsOfTheSameSamples) {
  DataLoader loader(indexed_dataset(50, 3, 4), {.batch_size = 8, .shuffle = true, .seed = 3});
  for (auto& [xb, yb] : loader) {
    ASSERT_EQ(xb.dim(), 2);
    EXPECT_EQ(xb.size(1), 3);
    EXPECT_EQ(yb.dtype(), DType::Int64);
    ASSERT_EQ(yb.shape(), Shape{xb.size(0)});
    for (int64_t r = 0; r < xb.size(0); ++r) {
      const auto id = static_cast<int64_t>(xb.at({r, 0}));
      EXPECT_EQ(xb.at({r, 2}), static_cast<float>(id) + 1.0f);
      EXPECT_EQ(yb.at_int64({r}), id % 4);
    }
  }
}

TEST(DataLoader, EpochOrdersDifferAndAreReproducible) {
  DataLoader first(indexed_dataset(100), {.batch_size = 10, .shuffle = true, .seed = 42});
  DataLoader second(indexed_dataset(100), {.batch_size = 10, .shuffle = true, .seed = 42});
  DataLoader other_seed(indexed_dataset(100), {.batch_size = 10, .shuffle = true, .seed = 43});
  const auto epoch0 = one_epoch(first);
  const auto epoch1 = one_epoch(first);
  EXPECT_NE(epoch0, epoch1);
  EXPECT_EQ(one_epoch(second), epoch0);
  EXPECT_EQ(one_epoch(second), epoch1);
  EXPECT_NE(one_epoch(other_seed), epoch0);
}

TEST(DataLoader, OrderOfAnEpochDependsOnSeedAndEpochOnly) {
  DataLoader loader(indexed_dataset(20), {.batch_size = 5, .shuffle = true, .seed = 9});
  const std::vector<int64_t> order3 = loader.order(3).to_int64_vector();
  one_epoch(loader);
  EXPECT_EQ(loader.order(3).to_int64_vector(), order3);
  loader.set_epoch(3);
  std::vector<int64_t> seen;
  for (const auto& batch : one_epoch(loader)) seen.insert(seen.end(), batch.begin(), batch.end());
  EXPECT_EQ(seen, order3);
}

TEST(DataLoader, IteratingAdvancesTheEpochAndCountsPosition) {
  DataLoader loader(indexed_dataset(10), {.batch_size = 4, .shuffle = true});
  EXPECT_EQ(loader.epoch(), 0);
  EXPECT_EQ(loader.position(), 0);
  int64_t batches = 0;
  for (auto& batch : loader) {
    (void)batch;
    ++batches;
    EXPECT_EQ(loader.position(), batches) << "position counts the batches handed out";
    EXPECT_EQ(loader.epoch(), 0);
  }
  EXPECT_EQ(loader.epoch(), 1);
  EXPECT_EQ(loader.position(), 0);
}

std::vector<std::vector<int64_t>> epochs(DataLoader& loader, int count) {
  std::vector<std::vector<int64_t>> all;
  for (int e = 0; e < count; ++e)
    for (auto& b : one_epoch(loader)) all.push_back(b);
  return all;
}

TEST(DataLoader, ResumeAtAnEpochSeesTheUninterruptedOrder) {
  DataLoader uninterrupted(indexed_dataset(23), {.batch_size = 5, .shuffle = true, .seed = 1});
  const auto run = epochs(uninterrupted, 4);  // 5 batches per epoch

  DataLoader resumed(indexed_dataset(23), {.batch_size = 5, .shuffle = true, .seed = 1});
  resumed.set_epoch(2);
  const auto tail = epochs(resumed, 2);
  EXPECT_EQ(tail, std::vector<std::vector<int64_t>>(run.begin() + 10, run.end()));
}

TEST(DataLoader, ResumeMidEpochSeesTheUninterruptedOrder) {
  DataLoader uninterrupted(indexed_dataset(23), {.batch_size = 5, .shuffle = true, .seed = 1});
  const auto run = epochs(uninterrupted, 3);

  DataLoader resumed(indexed_dataset(23), {.batch_size = 5, .shuffle = true, .seed = 1});
  resumed.set_epoch(1);
  resumed.set_position(3);
  const auto tail = epochs(resumed, 2);  // the rest of epoch 1, then epoch 2
  EXPECT_EQ(tail, std::vector<std::vector<int64_t>>(run.begin() + 8, run.end()));
}

TEST(DataLoader, ResumeFromPositionAndEpochSavedInsideTheLoop) {
  // A checkpoint taken after the step on some batch resumes with the next batch.
  DataLoader uninterrupted(indexed_dataset(30), {.batch_size = 4, .shuffle = true, .seed = 5});
  const auto run = epochs(uninterrupted, 2);

  DataLoader interrupted(indexed_dataset(30), {.batch_size = 4, .shuffle = true, .seed = 5});
  int64_t saved_epoch = -1, saved_position = -1;
  for (auto& batch : interrupted) {
    (void)batch;
    saved_epoch = interrupted.epoch();
    saved_position = interrupted.position();
    if (saved_position == 6) break;
  }
  DataLoader resumed(indexed_dataset(30), {.batch_size = 4, .shuffle = true, .seed = 5});
  resumed.set_epoch(saved_epoch);
  resumed.set_position(saved_position);
  EXPECT_EQ(epochs(resumed, 2), std::vector<std::vector<int64_t>>(run.begin() + 6, run.end()));
}

TEST(DataLoader, BreakingOutAndIteratingAgainContinuesTheEpoch) {
  DataLoader loader(indexed_dataset(20), {.batch_size = 4, .shuffle = true, .seed = 2});
  const auto full = one_epoch(loader);
  loader.set_epoch(0);
  std::vector<std::vector<int64_t>> pieces;
  for (auto& batch : loader) {
    pieces.push_back(sample_ids(batch));
    if (pieces.size() == 2) break;
  }
  EXPECT_EQ(loader.position(), 2);
  for (auto& batch : loader) pieces.push_back(sample_ids(batch));
  EXPECT_EQ(pieces, full);
  EXPECT_EQ(loader.epoch(), 1);
}

TEST(DataLoader, BatchesAreBitwiseIdenticalForAnyThreadCountAndPrefetchDepth) {
  // Big enough rows that the gather runs in parallel chunks.
  const TensorDataset dataset(Tensor::arange(2000 * 300, DType::Float32).reshape({2000, 300}),
                              Tensor::arange(2000, DType::Float32));
  auto collect = [&](int threads, int prefetch) {
    set_num_threads(threads);
    DataLoader loader(dataset, {.batch_size = 256, .shuffle = true, .seed = 11, .prefetch = prefetch});
    std::vector<float> values;
    for (int epoch = 0; epoch < 2; ++epoch)
      for (auto& [xb, yb] : loader) {
        const auto x = xb.to_vector(), y = yb.to_vector();
        values.insert(values.end(), x.begin(), x.end());
        values.insert(values.end(), y.begin(), y.end());
      }
    return values;
  };
  const int threads_before = get_num_threads();
  const std::vector<float> reference = collect(1, 0);
  EXPECT_EQ(reference.size(), 2u * 2000 * 301);
  for (int threads : {1, 2})
    for (int prefetch : {0, 1, 4, 6, 7})  // 4 and more: the producer refills two or three at a time
      EXPECT_TRUE(collect(threads, prefetch) == reference) << threads << " threads, prefetch " << prefetch;
  set_num_threads(threads_before);
}

TEST(DataLoader, EarlyBreakWithBatchesInFlightReturnsPromptly) {
  const TensorDataset dataset(Tensor::zeros({5000, 64}), Tensor::zeros({5000}));
  for (int prefetch : {0, 1, 4, 6}) {
    DataLoader loader(dataset, {.batch_size = 10, .shuffle = true, .prefetch = prefetch});
    for (int round = 0; round < 20; ++round)
      for (auto& batch : loader) {
        (void)batch;
        break;
      }
    EXPECT_EQ(loader.position(), 20);
  }
}

TEST(DataLoader, ExceptionInTheLoopBodyLeavesTheLoaderUsable) {
  DataLoader loader(indexed_dataset(40), {.batch_size = 4, .shuffle = true, .prefetch = 3});
  EXPECT_THROW(
      for (auto& batch : loader) {
        if (loader.position() == 3) throw std::runtime_error("step failed on " + std::to_string(batch.features.size(0)));
      },
      std::runtime_error);
  EXPECT_EQ(loader.position(), 3);
  EXPECT_EQ(one_epoch(loader).size(), 7u);
}

// A dataset whose get_batch fails for one sample: as a broken file or transform would.
class FailingDataset : public TensorDataset {
 public:
  FailingDataset(int64_t n, int64_t bad) : TensorDataset(indexed_dataset(n)), bad_(bad) {}
  void get_batch(std::span<const int64_t> indices, Tensor& features, Tensor& targets) const override {
    if (std::find(indices.begin(), indices.end(), bad_) != indices.end())
      throw IOError("sample " + std::to_string(bad_) + " is unreadable");
    TensorDataset::get_batch(indices, features, targets);
  }

 private:
  int64_t bad_;
};

TEST(DataLoader, AnErrorAssemblingABatchIsRethrownOnTheLoopThread) {
  for (int prefetch : {0, 2, 6}) {
    DataLoader loader(FailingDataset(20, 13), {.batch_size = 4, .prefetch = prefetch});
    int64_t delivered = 0;
    try {
      for (auto& batch : loader) {
        (void)batch;
        ++delivered;
      }
      ADD_FAILURE() << "no error with prefetch " << prefetch;
    } catch (const IOError& e) {
      EXPECT_STREQ(e.what(), "sample 13 is unreadable");
    }
    EXPECT_EQ(delivered, 3) << "batches before the bad one arrive, prefetch " << prefetch;
    EXPECT_EQ(loader.position(), 3);
  }
}

TEST(DataLoader, BatchesKeptByTheUserAreNeverOverwritten) {
  DataLoader loader(indexed_dataset(64), {.batch_size = 8, .shuffle = true, .prefetch = 2});
  std::vector<Batch> kept;
  std::vector<std::vector<int64_t>> ids;
  for (auto& batch : loader) {
    kept.push_back(batch);  // shares the buffer: the loader must not reuse it
    ids.push_back(sample_ids(batch));
  }
  for (size_t b = 0; b < kept.size(); ++b) EXPECT_EQ(sample_ids(kept[b]), ids[b]);
}

TEST(DataLoader, BuffersAreReusedWhenTheUserKeepsNothing) {
  DataLoader loader(indexed_dataset(64), {.batch_size = 8, .prefetch = 0});
  std::set<const void*> buffers;
  for (auto& [xb, yb] : loader) buffers.insert(xb.storage().get());
  EXPECT_EQ(buffers.size(), 1u);
}

TEST(DataLoader, AcceptsATemporaryDatasetLikeTheD2lLoop) {
  Generator gen(42);
  auto [X, y] = synthetic_linear({2.0f, -3.4f}, 4.2f, 1000, 0.01f, gen);
  int64_t batches = 0;
  for (auto& [xb, yb] : DataLoader(TensorDataset(X, y), {.batch_size = 10, .shuffle = true, .seed = 42})) {
    EXPECT_EQ(xb.shape(), (Shape{10, 2}));
    EXPECT_EQ(yb.shape(), (Shape{10, 1}));
    ++batches;
  }
  EXPECT_EQ(batches, 100);
}

// A batch_size beyond the dataset means "everything at once": buffers hold at most the
// dataset's rows, so even 2^62 or INT64_MAX is one batch per epoch, not an allocation.
TEST(DataLoader, HugeBatchSizeIsOneBatchOfTheWholeDataset) {
  for (int64_t batch_size : {int64_t{1} << 62, INT64_MAX})
    for (int prefetch : {0, 2}) {
      DataLoader loader(indexed_dataset(10), {.batch_size = batch_size, .shuffle = true, .seed = 3, .prefetch = prefetch});
      EXPECT_EQ(loader.size(), 1);
      for (int epoch = 0; epoch < 2; ++epoch) {
        const auto batches = one_epoch(loader);
        ASSERT_EQ(batches.size(), 1u) << "batch_size " << batch_size;
        const std::vector<int64_t> order = loader.order(epoch).to_int64_vector();
        EXPECT_EQ(batches[0], order);
      }
      EXPECT_EQ(DataLoader(indexed_dataset(10), {.batch_size = batch_size, .drop_last = true}).size(), 0);
    }
}

TEST(DataLoader, HugePrefetchHoldsNoMoreBuffersThanBatchesLeft) {
  DataLoader deep(indexed_dataset(20), {.batch_size = 8, .shuffle = true, .seed = 5, .prefetch = INT32_MAX});
  DataLoader none(indexed_dataset(20), {.batch_size = 8, .shuffle = true, .seed = 5, .prefetch = 0});
  for (int epoch = 0; epoch < 2; ++epoch) EXPECT_EQ(one_epoch(deep), one_epoch(none));
}

TEST(DataLoader, RejectsBadOptionsNamingTheValue) {
  const auto dataset = share(indexed_dataset(10));
  try {
    DataLoader(dataset, {.batch_size = 0});
    ADD_FAILURE() << "batch_size 0 accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("batch_size must be positive, got 0"), std::string::npos) << e.what();
  }
  EXPECT_THROW(DataLoader(dataset, {.batch_size = -3}), ValueError);
  EXPECT_THROW(DataLoader(dataset, {.batch_size = 2, .prefetch = -1}), ValueError);
  EXPECT_THROW(DataLoader(std::shared_ptr<const Dataset>(), {}), ValueError);

  DataLoader loader(dataset, {.batch_size = 3});
  EXPECT_THROW(loader.set_position(5), IndexError);
  EXPECT_THROW(loader.set_epoch(-1), ValueError);
}

// The smallest possible dataset: one with no samples.
class EmptyDataset : public Dataset {
 public:
  int64_t size() const override { return 0; }
  Shape feature_shape() const override { return {2}; }
  Shape target_shape() const override { return {}; }
  Task task() const override { return Task::Regression; }
  int64_t num_classes() const override { return 0; }
  void get_batch(std::span<const int64_t>, Tensor&, Tensor&) const override {}
};

TEST(DataLoader, RejectsAnEmptyDataset) {
  try {
    DataLoader loader(EmptyDataset{}, {.batch_size = 4});
    ADD_FAILURE() << "empty dataset accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("empty (size 0)"), std::string::npos) << e.what();
  }
}

TEST(DataLoader, OneIterationAtATime) {
  DataLoader loader(indexed_dataset(10), {.batch_size = 2});
  auto it = loader.begin();
  EXPECT_THROW(loader.begin(), ValueError);
  EXPECT_THROW(loader.set_epoch(1), ValueError);
}

}  // namespace
}  // namespace minidl::data
