// in_feature_order: a table whose columns were rearranged gives each feature where the names
// say it belongs; without names to go by, the columns stay as they are.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "data_test_helpers.hpp"
#include "minidl/data.hpp"

namespace minidl::data {
namespace {

const std::vector<std::string> kTrained = {"a", "b", "c"};

std::shared_ptr<const Dataset> csv(const testing::TempFile& file) {
  return share(CsvDataset(file.path()));
}

TEST(FeatureOrder, ColumnsWithTheTrainedNamesInAnotherOrderAreTakenByName) {
  const testing::TempFile file("c,target,a,b\n3,0,1,2\n6,1,4,5\n", ".csv");
  const std::shared_ptr<const Dataset> ordered = in_feature_order(csv(file), kTrained);
  EXPECT_EQ(ordered->feature_names(), kTrained);
  EXPECT_EQ(ordered->all().features.to_vector(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ordered->all().targets.to_int64_vector(), (std::vector<int64_t>{0, 1}));
  const std::vector<int64_t> second = {1};
  EXPECT_EQ(ordered->get(second).features.to_vector(), (std::vector<float>{4, 5, 6}));
}

TEST(FeatureOrder, WithoutNamesToGoByTheColumnsStayAsGiven) {
  const testing::TempFile same("a,b,c,target\n1,2,3,0\n", "_same.csv");
  const testing::TempFile other("x,y,z,target\n1,2,3,0\n", "_other.csv");
  for (const testing::TempFile* file : {&same, &other}) {
    const std::shared_ptr<const Dataset> given = csv(*file);
    EXPECT_EQ(in_feature_order(given, kTrained), given) << file->path();
    EXPECT_EQ(in_feature_order(given, {}), given) << "no trained names";
  }
  const std::shared_ptr<const Dataset> unnamed = share(testing::indexed_dataset(4, 3));
  EXPECT_EQ(in_feature_order(unnamed, kTrained), unnamed);
}

TEST(FeatureOrder, AColumnNamedAsOneTrainedFeatureIsNeverReadAsAnother) {
  // "c" is gone and "a" and "b" swapped: in order, the model would read b as a and a as b.
  const testing::TempFile moved("b,a,z,target\n2,1,9,0\n", "_moved.csv");
  EXPECT_THROW(in_feature_order(csv(moved), kTrained), ValueError);
  // A renamed column that leaves the others in their places is taken in order, as given.
  const testing::TempFile renamed("a,b,z,target\n1,2,9,0\n", "_renamed.csv");
  const std::shared_ptr<const Dataset> given = csv(renamed);
  EXPECT_EQ(in_feature_order(given, kTrained), given);
}

}  // namespace
}  // namespace minidl::data
