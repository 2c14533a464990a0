#include "minidl/experiment/metrics.hpp"

#include <charconv>
#include <sstream>

#include "minidl/core/error.hpp"

namespace minidl::experiment {

const char* metrics_csv_header() { return "epoch,train_loss,val_loss,val_accuracy,lr,seconds"; }

std::string format_double(double x) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, end);
}

std::string to_csv_row(const EpochMetrics& m) {
  auto optional = [](const std::optional<double>& v) { return v ? format_double(*v) : ""; };
  return std::to_string(m.epoch) + "," + format_double(m.train_loss) + "," + optional(m.val_loss) + "," +
         optional(m.val_accuracy) + "," + format_double(m.lr) + "," + format_double(m.seconds);
}

EpochMetrics parse_csv_row(const std::string& row) {
  std::vector<std::string> fields;
  std::stringstream in(row);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  if (!row.empty() && row.back() == ',') fields.emplace_back();
  if (fields.size() != 6) throw ValueError("metrics row '" + row + "': expected 6 fields");
  auto number = [&](const std::string& text) {
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size())
      throw ValueError("metrics row '" + row + "': '" + text + "' is not a number");
    return v;
  };
  auto optional = [&](const std::string& text) -> std::optional<double> {
    if (text.empty()) return std::nullopt;
    return number(text);
  };
  return {static_cast<int64_t>(number(fields[0])), number(fields[1]), optional(fields[2]),
          optional(fields[3]), number(fields[4]), number(fields[5])};
}

std::string to_csv(const std::vector<EpochMetrics>& rows) {
  std::string out = std::string(metrics_csv_header()) + "\n";
  for (const EpochMetrics& m : rows) out += to_csv_row(m) + "\n";
  return out;
}

}  // namespace minidl::experiment
