// libFuzzer target: CsvDataset on an arbitrary file. The first byte picks the options (task and
// scale), the rest is the file. An IOError is the expected answer to a malformed file; a table
// that loads must hold only finite values in the promised shapes.
#include <cmath>
#include <cstdint>
#include <optional>

#include "fuzz_support.hpp"
#include "minidl/data/csv_dataset.hpp"

namespace {

minidl::data::CsvOptions options_from(uint8_t byte) {
  using minidl::data::Task;
  constexpr std::optional<Task> kTasks[] = {std::nullopt, Task::Classification, Task::Regression, std::nullopt};
  constexpr float kScales[] = {1.0f, 0.0625f, 3.0e38f, 1.0e-30f};
  return {.target = "target", .task = kTasks[byte & 3], .scale = kScales[(byte >> 2) & 3]};
}

void check_loaded(const minidl::data::CsvDataset& dataset) {
  using namespace minidl;
  const Tensor& x = dataset.features();
  if (x.dim() != 2 || x.size(0) != dataset.size() || x.size(1) != static_cast<int64_t>(dataset.feature_names().size()))
    fuzz::finding("features have the wrong shape");
  for (const float v : x.to_vector())
    if (!std::isfinite(v)) fuzz::finding("a non-finite feature was loaded");
  const Tensor& y = dataset.targets();
  if (y.size(0) != dataset.size()) fuzz::finding("targets have the wrong row count");
  if (y.dtype() == DType::Float32) {
    for (const float v : y.to_vector())
      if (!std::isfinite(v)) fuzz::finding("a non-finite target was loaded");
  } else {
    for (const int64_t label : y.to_int64_vector())
      if (label < 0 || label >= dataset.num_classes()) fuzz::finding("a class label out of range was loaded");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static minidl::fuzz::InputFile file("csv", ".csv");
  if (size == 0) return 0;
  const auto& path = file.write(data + 1, size - 1);
  try {
    check_loaded(minidl::data::CsvDataset(path.string(), options_from(data[0])));
  } catch (const minidl::IOError&) {
  }
  return 0;
}
