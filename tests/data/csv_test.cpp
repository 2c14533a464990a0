// CsvDataset: the shipped datasets load, options apply, and every malformed file is reported
// with its file:line:column.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include "data_test_helpers.hpp"
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
struct TempCsv : testing::TempFile {
  explicit TempCsv(const std::string& text) : TempFile(text, ".csv") {}
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

TEST(CsvDataset, ASamplesOriginIsTheLineAndColumnOfItsTarget) {
  // Blank lines do not count as rows; the column is the target field's first character.
  const TempCsv file("a, target ,b\n1, 0, 2\n\n 3 ,1,4\n");
  const CsvDataset dataset(file.path());
  EXPECT_EQ(dataset.sample_origin(0), file.path() + ":2:4");
  EXPECT_EQ(dataset.sample_origin(1), file.path() + ":4:5");
  const CsvDataset rows(file.path(), {.target = "c", .target_optional = true});
  EXPECT_EQ(rows.sample_origin(1), file.path() + ":4:2") << "without a target: the row's first field";
  EXPECT_EQ(dataset.sample_origin(2), file.path()) << "beyond the rows: the file alone";
  EXPECT_EQ(TensorDataset(Tensor::zeros({2, 1}), Tensor::zeros({2})).sample_origin(1), "") << "tensors have no origin";
}

TEST(CsvDataset, TaskCanBeForced) {
  const TempCsv file("x,y\n0.5,1\n1.5,2\n");
  EXPECT_EQ(CsvDataset(file.path(), {.target = "y"}).task(), Task::Classification);
  const CsvDataset regression(file.path(), {.target = "y", .task = Task::Regression});
  EXPECT_EQ(regression.targets().shape(), (Shape{2, 1}));
  EXPECT_EQ(regression.targets().to_vector(), (std::vector<float>{1, 2}));
}

TEST(CsvDataset, AnOptionalTargetMayBeAbsentAndThenEveryColumnIsAFeature) {
  const TempCsv without("a,b\n1,2\n3,4\n");
  const CsvDataset rows(without.path(), {.task = Task::Regression, .target_optional = true});
  EXPECT_EQ(rows.target_name(), "");
  EXPECT_EQ(rows.feature_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(rows.features().to_vector(), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(rows.targets().to_vector(), (std::vector<float>{0, 0}));
  const TempCsv with("a,target,b\n1,5,2\n");
  const CsvDataset labelled(with.path(), {.task = Task::Classification, .target_optional = true});
  EXPECT_EQ(labelled.features().to_vector(), (std::vector<float>{1, 2}));
  EXPECT_EQ(labelled.targets().to_int64_vector(), (std::vector<int64_t>{5}));
}

TEST(CsvDataset, QuotedFieldsAreReadAsSpreadsheetsWriteThem) {
  // RFC 4180: a quoted field's commas are text, and a doubled quote is one quote.
  const TempCsv file("\"petal length, cm\",\"say \"\"hi\"\"\", \"target\" \n\"1.5\",2,\"0\"\n3, \"4\" ,1\n");
  const CsvDataset dataset(file.path());
  EXPECT_EQ(dataset.feature_names(), (std::vector<std::string>{"petal length, cm", "say \"hi\""}));
  EXPECT_EQ(dataset.task(), Task::Classification) << "a quoted 0 is a class label as much as 0";
  EXPECT_EQ(dataset.features().to_vector(), (std::vector<float>{1.5f, 2, 3, 4}));
  EXPECT_EQ(dataset.targets().to_int64_vector(), (std::vector<int64_t>{0, 1}));
  // Two names with doubled quotes, one after the other, are two names (the fuzzer found them
  // mistaken for duplicates).
  const TempCsv quoted_names("\"a\"\"b\",\"c\"\"d\",target\n1,2,0\n");
  EXPECT_EQ(CsvDataset(quoted_names.path()).feature_names(), (std::vector<std::string>{"a\"b", "c\"d"}));
}

TEST(CsvDataset, AQuoteThatDoesNotCloseOrIsFollowedByTextNamesItsLineAndColumn) {
  const TempCsv unclosed("a,b,target\n1,\"2,0\n");
  expect_starts_with(load_error(unclosed), unclosed.path() + ":2:3: a quoted field that does not close on its line");
  const TempCsv trailing("a,b,target\n1,\"2\"x,0\n");
  expect_starts_with(load_error(trailing), trailing.path() + ":2:6: text after a quoted field's closing quote");
  // A quote inside an unquoted field is text (here, not a number).
  const TempCsv inches("a,b,target\n1,2\",0\n");
  expect_starts_with(load_error(inches), inches.path() + ":2:3: column \"b\" must hold a finite number");
}

TEST(CsvDataset, MissingFieldNamesLineAndColumn) {
  const TempCsv file("a,b,target\n1,2,0\n3,4\n");
  expect_starts_with(load_error(file), file.path() + ":3:4: missing field: the row has 2 fields, the header 3");
}

TEST(CsvDataset, ExtraFieldNamesLineAndColumn) {
  const TempCsv file("a,b,target\n1,2,0,9\n");
  expect_starts_with(load_error(file), file.path() + ":2:7: extra field");
}

TEST(CsvDataset, AGzipFileIsNamedAsCompressedNotParsedAsText) {
  // The start of a gzip file (what /usr/share/datasets holds), not a CSV text.
  const TempCsv file(std::string("\x1f\x8b\x08\x08\xd5,a,\x00\x03t10k\n\x01\x02", 18));
  const std::string message = load_error(file);
  expect_starts_with(message, file.path() + ":1:1: ");
  EXPECT_NE(message.find("gzip"), std::string::npos) << message;
}

TEST(CsvDataset, ABinaryFileIsRefusedAtItsFirstNulByte) {
  // A UTF-16 export, say: every other byte is NUL.
  const TempCsv file(std::string("a,target\n1,0\n2\0,1\n", 16));
  const std::string message = load_error(file);
  expect_starts_with(message, file.path() + ":3:2: ");
  EXPECT_NE(message.find("NUL"), std::string::npos) << message;
}

TEST(CsvDataset, NonNumericValueNamesLineColumnAndValue) {
  const TempCsv file("a,b,target\n1,2,0\n1,abc,1\n");
  EXPECT_EQ(load_error(file), file.path() + ":3:3: column \"b\" must hold a finite number, got \"abc\"");
}

TEST(CsvDataset, EmptyFieldIsNotANumber) {
  const TempCsv file("a,b,target\n1,,0\n");
  EXPECT_EQ(load_error(file), file.path() + ":2:3: column \"b\" must hold a finite number, got \"\"");
}

TEST(CsvDataset, MissingTargetColumnSuggestsTheClosestName) {
  const TempCsv file("a,b,target\n1,2,0\n");
  EXPECT_EQ(load_error(file, {.target = "targt"}),
            file.path() + ":1:1: no column named \"targt\" in the header; did you mean \"target\"? (columns: \"a\", \"b\", \"target\")");
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
            file.path() + ":3:3: class label in column \"target\" must be a non-negative integer, got \"-1\"");
}

TEST(CsvDataset, FractionalClassLabelIsReported) {
  const TempCsv file("a,target\n1,0\n2,1.5\n");
  EXPECT_EQ(load_error(file, {.task = Task::Classification}),
            file.path() + ":3:3: class label in column \"target\" must be a non-negative integer, got \"1.5\"");
}

TEST(CsvDataset, IntegralLabelsWithADecimalPointAreRegressionUnlessForced) {
  const TempCsv file("a,target\n1,0.0\n2,1.0\n");
  EXPECT_EQ(CsvDataset(file.path()).task(), Task::Regression);
  EXPECT_EQ(CsvDataset(file.path(), {.task = Task::Classification}).targets().to_int64_vector(),
            (std::vector<int64_t>{0, 1}));
}

TEST(CsvDataset, NonFiniteValuesAreRejected) {
  const TempCsv file("a,target\nnan,0\n");
  EXPECT_EQ(load_error(file), file.path() + ":2:1: column \"a\" must hold a finite number, got \"nan\"");
}

TEST(CsvDataset, InfinityTextIsRejected) {
  for (const std::string value : {"inf", "-inf", "infinity"}) {
    const TempCsv file("a,target\n" + value + ",0\n");
    expect_starts_with(load_error(file), file.path() + ":2:1: column \"a\" must hold a finite number");
  }
}

TEST(CsvDataset, NumbersTooLargeForFloat32AreRejected) {
  for (const std::string value : {"1e50", "-3.5e38", "1e99999999999999999999"}) {
    const TempCsv file("a,target\n1,0\n2," + value + "\n");
    const std::string message = load_error(file);
    expect_starts_with(message, file.path() + ":3:3: column \"target\"");
    EXPECT_NE(message.find("float32"), std::string::npos) << message;
  }
}

TEST(CsvDataset, NumbersTooSmallForFloat32BecomeWhatAFloat32CastGives) {
  // numpy: np.float32(1e-50) == 0.0, np.float32(-1e-50) == -0.0, 1e-40 stays a subnormal.
  const TempCsv file(
      "a,target\n1e-50,1e-50\n-1e-50,0.5\n1e-40,0.5\n123456e-50,0.5\n0.00001e-45,0.5\n1e-99999999999999999999,0.5\n");
  const CsvDataset dataset(file.path());
  const std::vector<float> a = dataset.features().to_vector();
  EXPECT_EQ(a, (std::vector<float>{0.0f, -0.0f, static_cast<float>(1e-40), static_cast<float>(123456e-50), 0.0f, 0.0f}));
  EXPECT_FALSE(std::signbit(a[0]));
  EXPECT_TRUE(std::signbit(a[1]));
  EXPECT_EQ(dataset.targets().at({0, 0}), 0.0f);
}

TEST(CsvDataset, Utf8ByteOrderMarkIsIgnored) {
  const TempCsv file("\xEF\xBB\xBFtarget,a\n0,1\n1,2\n");
  const CsvDataset dataset(file.path());
  EXPECT_EQ(dataset.target_name(), "target");
  EXPECT_EQ(dataset.feature_names(), (std::vector<std::string>{"a"}));
}

TEST(CsvDataset, DuplicateColumnNameNamesItsLineAndColumn) {
  const TempCsv file("a,target,b,target\n1,0,2,0\n");
  const std::string message = load_error(file);
  expect_starts_with(message, file.path() + ":1:12: duplicate column name \"target\"");
  const TempCsv features("a, b ,a,target\n1,2,3,0\n");
  expect_starts_with(load_error(features), features.path() + ":1:7: duplicate column name \"a\"");
}

TEST(CsvDataset, EmptyColumnNameNamesItsLineAndColumn) {
  const TempCsv file("a, ,target\n1,2,0\n");
  expect_starts_with(load_error(file), file.path() + ":1:4: empty column name");
  const TempCsv trailing_comma("a,target,\n1,0,\n");
  expect_starts_with(load_error(trailing_comma), trailing_comma.path() + ":1:10: empty column name");
  // R's write.csv names its row-index column "": the message says what the column likely is.
  const TempCsv row_names("\"\",\"a\",\"target\"\n\"1\",2,0\n");
  const std::string message = load_error(row_names);
  expect_starts_with(message, row_names.path() + ":1:1: empty column name");
  EXPECT_NE(message.find("row index"), std::string::npos) << message;
}

/// Whether `text` has only printable ASCII, so a terminal shows it as it is.
bool printable_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

TEST(CsvDataset, AHugeValueIsCutInTheMessage) {
  const TempCsv file("a,target\n" + std::string(1 << 20, '7') + "x,0\n");
  const std::string message = load_error(file);
  expect_starts_with(message, file.path() + ":2:1: column \"a\" must hold a finite number, got \"777");
  EXPECT_LT(message.size(), file.path().size() + 160) << message.substr(0, 300);
  EXPECT_NE(message.find(std::to_string((1 << 20) + 1) + " bytes"), std::string::npos) << message.substr(0, 300);
}

TEST(CsvDataset, BinaryGarbageIsEscapedInTheMessage) {
  const TempCsv file(std::string("a,target\n\x01\xff\x1b[2J\x02z,0\n", 20));  // (a NUL byte is refused sooner)
  const std::string message = load_error(file);
  expect_starts_with(message, file.path() + ":2:1: column \"a\" must hold a finite number, got \"\\x01\\xff\\x1b[2J\\x02z\"");
  EXPECT_TRUE(printable_ascii(message)) << message;
}

TEST(CsvDataset, AHugeOrBinaryHeaderIsCutInTheMissingTargetMessage) {
  const TempCsv file(std::string(1 << 20, 'n') + ",\x02\n1,2\n");
  const std::string message = load_error(file);
  expect_starts_with(message, file.path() + ":1:1: no column named \"target\"");
  EXPECT_LT(message.size(), file.path().size() + 300) << message.substr(0, 400);
  EXPECT_TRUE(printable_ascii(message)) << message.substr(0, 400);
}

TEST(CsvDataset, UnicodeColumnNamesAreShownAsTheyAre) {
  const TempCsv file("température,target\n1,0\nx,1\n");
  expect_starts_with(load_error(file), file.path() + ":3:1: column \"température\" must hold a finite number");
}

TEST(CsvDataset, RowsShorterThanAWideHeaderAreReportedWithoutAllocatingTheTable) {
  // 100000 columns x 100000 rows would be a 40 GB table: the short rows are found first.
  std::string text;
  for (int c = 0; c < 100000; ++c) text.append("c").append(std::to_string(c)).append(",");
  text += "target\n";
  for (int r = 0; r < 100000; ++r) text += "1\n";
  const TempCsv file(text);
  expect_starts_with(load_error(file), file.path() + ":2:2: missing field: the row has 1 fields, the header 100001");
}

TEST(CsvDataset, AScaledValueBeyondFloat32IsRejected) {
  const TempCsv file("a,target\n1,0\n3e38,1\n");
  expect_starts_with(load_error(file, {.scale = 2.0f}), file.path() + ":3:1: column \"a\"");
}

TEST(CsvDataset, ReadsAPipeThoughItCanBeReadOnlyOnce) {
  const std::string fifo = (std::filesystem::temp_directory_path() / ("minidl_csv_fifo_" + std::to_string(::getpid()))).string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&] { std::ofstream(fifo) << "a,target\n1,0\n2,1\n"; });
  const CsvDataset dataset(fifo);
  writer.join();
  std::filesystem::remove(fifo);
  EXPECT_EQ(dataset.features().to_vector(), (std::vector<float>{1, 2}));
  EXPECT_EQ(dataset.targets().to_int64_vector(), (std::vector<int64_t>{0, 1}));
}

TEST(CsvDataset, ADirectoryIsAnIOError) {
  EXPECT_THROW(CsvDataset(std::filesystem::temp_directory_path().string()), IOError);
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
