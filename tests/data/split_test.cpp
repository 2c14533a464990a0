// split and Subset: seeded, disjoint, covering train/validation views.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "data_test_helpers.hpp"
#include "minidl/data.hpp"

namespace minidl::data {
namespace {

using testing::indexed_dataset;
using testing::sample_ids;

TEST(Split, ValidationGetsTheCeilingOfTheFractionLikeScikitLearn) {
  const auto [train, validation] = split(indexed_dataset(1797), 0.2, 0);
  EXPECT_EQ(validation->size(), 360);
  EXPECT_EQ(train->size(), 1437);
}

TEST(Split, PartsAreDisjointAndCoverTheDataset) {
  const auto [train, validation] = split(indexed_dataset(100), 0.3, 5);
  std::vector<int64_t> all = train->indices();
  all.insert(all.end(), validation->indices().begin(), validation->indices().end());
  std::sort(all.begin(), all.end());
  std::vector<int64_t> expected(100);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(all, expected);
}

TEST(Split, SameSeedSameSplitOtherSeedAnother) {
  const auto dataset = share(indexed_dataset(50));
  EXPECT_EQ(split(dataset, 0.2, 1).validation->indices(), split(dataset, 0.2, 1).validation->indices());
  EXPECT_NE(split(dataset, 0.2, 1).validation->indices(), split(dataset, 0.2, 2).validation->indices());
}

TEST(Split, SubsetsGatherTheUnderlyingSamples) {
  const auto [train, validation] = split(indexed_dataset(30), 0.5, 3);
  const std::vector<int64_t> positions{2, 0, 4};
  const Batch batch = validation->get(positions);
  for (size_t i = 0; i < positions.size(); ++i)
    EXPECT_EQ(sample_ids(batch)[i], validation->indices()[static_cast<size_t>(positions[i])]);
  EXPECT_EQ(validation->num_classes(), 3);
  EXPECT_EQ(validation->task(), Task::Classification);
}

TEST(Split, RejectsFractionsOutsideTheOpenUnitInterval) {
  const auto dataset = share(indexed_dataset(10));
  // The fraction as written, not as std::to_string prints it ("-0.100000").
  for (const auto& [fraction, written] : {std::pair{0.0, "0"}, {1.0, "1"}, {-0.1, "-0.1"}, {1.5, "1.5"}}) {
    try {
      split(dataset, fraction, 0);
      ADD_FAILURE() << "fraction " << fraction << " accepted";
    } catch (const ValueError& e) {
      EXPECT_NE(std::string(e.what()).find("must be in (0, 1), got " + std::string(written)), std::string::npos)
          << e.what();
    }
  }
  try {
    split(share(indexed_dataset(1)), 0.5, 0);
    ADD_FAILURE() << "a split with nothing left to train on accepted";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("validation_fraction 0.5 of 1 samples leaves no training sample"),
              std::string::npos)
        << e.what();
  }
}

TEST(Subset, RejectsIndicesOutsideTheDatasetAndEmptyIndexLists) {
  const auto dataset = share(indexed_dataset(5));
  EXPECT_THROW(Subset(dataset, {0, 5}), IndexError);
  EXPECT_THROW(Subset(dataset, {-1}), IndexError);
  EXPECT_THROW(Subset(dataset, {}), ValueError);
  const Subset subset(dataset, {4, 1});
  const std::vector<int64_t> bad{2};
  EXPECT_THROW(subset.get(bad), IndexError);
}

}  // namespace
}  // namespace minidl::data
