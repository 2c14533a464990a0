#pragma once
// CsvDataset: a numeric table with a header row, one column of which is the target.
#include <optional>
#include <string>
#include <vector>

#include "minidl/data/tensor_dataset.hpp"

namespace minidl::data {

namespace detail {
struct CsvTable;
}

/// How to read a CSV file.
struct CsvOptions {
  /// Name of the target column (any position); every other column is a feature.
  std::string target = "target";
  /// Unset: classification when every target is a non-negative integer written without a
  /// decimal point or exponent (e.g. `3`), else regression. Set it to force either.
  std::optional<Task> task = std::nullopt;
  /// Every feature is multiplied by this when loaded (e.g. 0.0625 for 0..16 pixel values).
  /// For standardisation fitted on a training split, see Standardizer.
  float scale = 1.0f;
  /// When the target column is absent, read every column as a feature, with zero targets
  /// (new rows to predict); otherwise a missing target column is an error.
  bool target_optional = false;
};

/// A comma-separated file: one header row of distinct, non-empty column names, then one row per
/// sample of numbers (spaces around a field and blank lines are ignored, `\r\n` line ends are
/// accepted, a UTF-8 byte order mark is skipped; a field may be quoted as RFC 4180 has it, on
/// one line: `"a, b"`, `""` for a quote inside). Numbers become float32 as numpy's cast does:
/// `1e-50` is 0, `1e-40` a subnormal; `1e50` (beyond float32), `inf` and `nan` are errors.
/// Features are float32 [N, F]; targets are int64 [N] for classification, float32 [N, 1] for
/// regression (the shape a Linear(F, 1) output has, so MSELoss needs no broadcasting).
class CsvDataset : public TensorDataset {
 public:
  /// Reads the file in two passes (shape, then values) straight into the tensors. Throws
  /// IOError naming `path:line:column` for: a file that cannot be opened, an empty file, no
  /// data rows, an empty or duplicate column name, a missing target column, a row with a
  /// missing or extra field, a quoted field that does not close on its line or has text after
/// its closing quote, a value that is not a finite float32 (also after scaling), or
  /// (classification) a class label that is negative or not an integer; values from the file
  /// are quoted with control bytes and invalid UTF-8 escaped, cut after 60 bytes. Throws
  /// ValueError for a scale that is 0 or not finite.
  explicit CsvDataset(const std::string& path, const CsvOptions& options = {});

  /// The path the data was read from.
  const std::string& path() const { return path_; }
  /// The feature columns' names, in file order.
  std::vector<std::string> feature_names() const override { return feature_names_; }
  /// The target column's name; "" when it was optional and absent (the targets are zeros).
  const std::string& target_name() const { return target_name_; }
  /// "path:line:column" of row `index`'s target field (its first field without a target),
  /// found by reading the file again; the path alone when that cannot be read again (a pipe,
  /// a file changed since).
  std::string sample_origin(int64_t index) const override;

 private:
  explicit CsvDataset(detail::CsvTable&& table);

  std::string path_;
  std::vector<std::string> feature_names_;
  std::string target_name_;
};

}  // namespace minidl::data
