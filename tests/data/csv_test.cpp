// CsvDataset: the shipped datasets load, options apply, and every malformed file is reported
// with its file:line:column.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include <unistd.h>

#include "minidl/data.hpp"

namespace minidl::data {
namespace {

TEST(CsvDataset, LoadsDigitsAsTenClassClassification) {
  const CsvDataset digits("examples/datasets/digits.csv");
  EXPECT_EQ(digits.size(), 1797);
  EXPECT_EQ(digits.feature_shape(), Shape{64});
  EXPECT_EQ(digits.task(), Task::Classification);
  EXPECT_EQ(digits.num_classes(), 10);
  EXPECT_EQ(digits.targets().dtype(), DType::Int64);
  EXPECT_EQ(digits.feature_names().front(), "p0");
  EXPECT_EQ(digits.feature_names().back(), "p63");
  EXPECT_EQ(digits.target_name(), "target");
  EXPECT_EQ(digits.features().at({0, 2}), 5.0f);  // first row: 0.0,0.0,5.0,...
  EXPECT_EQ(digits.targets().at_int64({0}), 0);
}

TEST(CsvDataset, ScaleMultipliesEveryFeature) {
  const CsvDataset digits("examples/datasets/digits.csv", {.scale = 0.0625f});
  EXPECT_EQ(digits.features().at({0, 2}), 5.0f / 16.0f);
  float largest = 0.0f;
  for (float v : digits.features().to_vector()) largest = std::max(largest, v);
  EXPECT_EQ(largest, 1.0f);
}

TEST(CsvDataset, LoadsIrisWithColumnNamesContainingSpaces) {
  const CsvDataset iris("examples/datasets/iris.csv");
  EXPECT_EQ(iris.size(), 150);
  EXPECT_EQ(iris.feature_shape(), Shape{4});
  EXPECT_EQ(iris.num_classes(), 3);
  EXPECT_EQ(iris.feature_names()[0], "sepal length (cm)");
  EXPECT_FLOAT_EQ(iris.features().at({0, 0}), 5.1f);
}

TEST(CsvDataset, LoadsDiabetesAsRegressionWithColumnTargets) {
  const CsvDataset diabetes("examples/datasets/diabetes.csv");
  EXPECT_EQ(diabetes.size(), 442);
  EXPECT_EQ(diabetes.feature_shape(), Shape{10});
  EXPECT_EQ(diabetes.task(), Task::Regression);
  EXPECT_EQ(diabetes.num_classes(), 0);
  EXPECT_EQ(diabetes.targets().shape(), (Shape{442, 1}));
  EXPECT_EQ(diabetes.targets().at({0, 0}), 151.0f);
  EXPECT_FLOAT_EQ(diabetes.features().at({0, 0}), 0.038075906433423026f);
}

/// A CSV file in the temp directory, removed when the test ends.
class TempCsv {
 public:
  explicit TempCsv(const std::string& text) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = (std::filesystem::temp_directory_path() /
             ("minidl_" + std::string(info->name()) + "_" + std::to_string(::getpid()) + ".csv"))
                .string();
    std::ofstream(path_, std::ios::binary) << text;
  }
  ~TempCsv() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// The message of the IOError that loading `text` throws ("" if none).
std::string load_error(const TempCsv& file, const CsvOptions& options = {}) {
  try {
    CsvDataset dataset(file.path(), options);
  } catch (const IOError& e) {
    return e.what();
  }
  return "";
}

void expect_starts_with(const std::string& message, const std::string& prefix) {
  EXPECT_EQ(message.substr(0, prefix.size()), prefix) << "the whole message: " << message;
}

TEST(CsvDataset, TargetColumnMayBeAnywhereAndBlanksAndCrlfAreAccepted) {
  const TempCsv file("a, target ,b\r\n1, 0, 2\r\n\r\n 3 ,1,4\r\n");
  const CsvDataset dataset(file.path());
  EXPECT_EQ(dataset.feature_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(dataset.features().to_vector(), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(dataset.targets().to_int64_vector(), (std::vector<int64_t>{0, 1}));
}

TEST(CsvDataset, TaskCanBeForced) {
  const TempCsv file("x,y\n0.5,1\n1.5,2\n");
  EXPECT_EQ(CsvDataset(file.path(), {.target = "y"}).task(), Task::Classification);
  const CsvDataset regression(file.path(), {.target = "y", .task = Task::Regression});
  EXPECT_EQ(regression.targets().shape(), (Shape{2, 1}));
  EXPECT_EQ(regression.targets().to_vector(), (std::vector<float>{1, 2}));
}

TEST(CsvDataset, MissingFieldNamesLineAndColumn) {
  const TempCsv file("a,b,target\n1,2,0\n3,4\n");
  expect_starts_with(load_error(file), file.path() + ":3:4: missing field: the row has 2 fields, the header 3");
}

TEST(CsvDataset, ExtraFieldNamesLineAndColumn) {
  const TempCsv file("a,b,target\n1,2,0,9\n");
  expect_starts_with(load_error(file), file.path() + ":2:7: extra field");
}

TEST(CsvDataset, NonNumericValueNamesLineColumnAndValue) {
  const TempCsv file("a,b,target\n1,2,0\n1,abc,1\n");
  EXPECT_EQ(load_error(file), file.path() + ":3:3: column 'b' must hold a finite number, got 'abc'");
}

TEST(CsvDataset, EmptyFieldIsNotANumber) {
  const TempCsv file("a,b,target\n1,,0\n");
  EXPECT_EQ(load_error(file), file.path() + ":2:3: column 'b' must hold a finite number, got ''");
}

TEST(CsvDataset, MissingTargetColumnSuggestsTheClosestName) {
  const TempCsv file("a,b,target\n1,2,0\n");
  EXPECT_EQ(load_error(file, {.target = "targt"}),
            file.path() + ":1:1: no column named 'targt' in the header; did you mean 'target'? (columns: a, b, target)");
}

TEST(CsvDataset, EmptyFileIsReported) {
  const TempCsv file("");
  expect_starts_with(load_error(file), file.path() + ":1:1: empty file");
}

TEST(CsvDataset, HeaderWithoutRowsIsReported) {
  const TempCsv file("a,target\n");
  EXPECT_EQ(load_error(file), file.path() + ":2:1: no data rows after the header");
}

TEST(CsvDataset, NegativeClassLabelIsReported) {
  const TempCsv file("a,target\n1,0\n2,-1\n");
  EXPECT_EQ(load_error(file, {.task = Task::Classification}),
            file.path() + ":3:3: class label in column 'target' must be a non-negative integer, got '-1'");
}

TEST(CsvDataset, FractionalClassLabelIsReported) {
  const TempCsv file("a,target\n1,0\n2,1.5\n");
  EXPECT_EQ(load_error(file, {.task = Task::Classification}),
            file.path() + ":3:3: class label in column 'target' must be a non-negative integer, got '1.5'");
}

TEST(CsvDataset, IntegralLabelsWithADecimalPointAreRegressionUnlessForced) {
  const TempCsv file("a,target\n1,0.0\n2,1.0\n");
  EXPECT_EQ(CsvDataset(file.path()).task(), Task::Regression);
  EXPECT_EQ(CsvDataset(file.path(), {.task = Task::Classification}).targets().to_int64_vector(),
            (std::vector<int64_t>{0, 1}));
}

TEST(CsvDataset, NonFiniteValuesAreRejected) {
  const TempCsv file("a,target\nnan,0\n");
  EXPECT_EQ(load_error(file), file.path() + ":2:1: column 'a' must hold a finite number, got 'nan'");
}

TEST(CsvDataset, RejectsAZeroOrNonFiniteScale) {
  EXPECT_THROW(CsvDataset("examples/datasets/iris.csv", {.scale = 0.0f}), ValueError);
  EXPECT_THROW(CsvDataset("examples/datasets/iris.csv", {.scale = std::numeric_limits<float>::infinity()}), ValueError);
}

TEST(CsvDataset, MissingFileNamesThePath) {
  try {
    CsvDataset("no/such/file.csv");
    FAIL() << "no error";
  } catch (const IOError& e) {
    EXPECT_EQ(std::string(e.what()), "no/such/file.csv: cannot open the CSV file");
  }
}

}  // namespace
}  // namespace minidl::data
