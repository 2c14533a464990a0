#include "minidl/experiment/metrics.hpp"

#include <limits>
#include <optional>
#include <sstream>

#include "minidl/core/error.hpp"
#include "minidl/core/number_text.hpp"
#include "minidl/io/file_io.hpp"

namespace minidl::experiment {

const char* metrics_csv_header() { return "epoch,train_loss,val_loss,val_accuracy,val_rmse,lr,seconds"; }

namespace {
// The header of runs written before val_rmse; their rows have 6 fields.
constexpr const char* kHeaderBeforeRmse = "epoch,train_loss,val_loss,val_accuracy,lr,seconds";
}  // namespace

std::string to_csv_row(const EpochMetrics& m) {
  auto optional = [](const std::optional<double>& v) { return v ? format_number(*v) : ""; };
  return std::to_string(m.epoch) + "," + format_number(m.train_loss) + "," + optional(m.val_loss) + "," +
         optional(m.val_accuracy) + "," + optional(m.val_rmse) + "," + format_number(m.lr) + "," +
         format_number(m.seconds);
}

EpochMetrics parse_csv_row(const std::string& row) {
  std::vector<std::string> fields;
  std::stringstream in(row);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  if (!row.empty() && row.back() == ',') fields.emplace_back();
  if (fields.size() == 6) fields.insert(fields.begin() + 4, "");  // a row from before val_rmse
  if (fields.size() != 7) throw ValueError("metrics row '" + row + "': expected 7 fields");
  auto number = [&](const std::string& text) {
    const std::optional<double> v = parse_number(text);
    if (!v) throw ValueError("metrics row '" + row + "': '" + text + "' is not a number");
    return *v;
  };
  auto optional = [&](const std::string& text) -> std::optional<double> {
    if (text.empty()) return std::nullopt;
    return number(text);
  };
  const std::string& e = fields[0];
  const std::optional<int64_t> epoch = parse_integer<int64_t>(e, 1, std::numeric_limits<int64_t>::max());
  if (!epoch) throw ValueError("metrics row '" + row + "': epoch '" + e + "' is not a whole number >= 1");
  return {*epoch,           number(fields[1]), optional(fields[2]), optional(fields[3]),
          optional(fields[4]), number(fields[5]), number(fields[6])};
}

std::vector<EpochMetrics> read_metrics_csv(const std::filesystem::path& path, int64_t rows) {
  const std::vector<uint8_t> bytes = io::read_file(path);
  std::istringstream in(std::string(bytes.begin(), bytes.end()));
  std::string line;
  if (!std::getline(in, line) || (line != metrics_csv_header() && line != kHeaderBeforeRmse))
    throw IOError(path.string() + ":1: expected the header '" + metrics_csv_header() + "'");
  std::vector<EpochMetrics> out;
  for (int64_t n = 1; n <= rows; ++n) {
    const std::string where = path.string() + ":" + std::to_string(n + 1);
    if (!std::getline(in, line) || in.eof())  // a last line without '\n' was cut by a kill
      throw IOError(path.string() + ": has " + std::to_string(n - 1) + " complete rows, but the checkpoint " +
                    std::to_string(rows) + " epochs");
    try {
      out.push_back(parse_csv_row(line));
    } catch (const ValueError& e) {
      throw IOError(where + ": " + e.what());
    }
    if (out.back().epoch != n)
      throw IOError(where + ": expected epoch " + std::to_string(n) + ", got " + std::to_string(out.back().epoch));
  }
  return out;
}

std::string to_csv(const std::vector<EpochMetrics>& rows) {
  std::string out = std::string(metrics_csv_header()) + "\n";
  for (const EpochMetrics& m : rows) out += to_csv_row(m) + "\n";
  return out;
}

}  // namespace minidl::experiment
