#include "minidl/data/csv_dataset.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace minidl::data {

namespace detail {
/// A parsed file, before it becomes a dataset.
struct CsvTable {
  std::string path;
  std::vector<std::string> feature_names;
  std::string target_name;
  Tensor features;
  Tensor targets;
};
}  // namespace detail

namespace {

/// One comma-separated field: its text without surrounding blanks, and where it starts.
struct Field {
  std::string_view text;
  int64_t column = 0;  // 1-based character column of the text's first character
};

/// A non-blank line of the file, split into fields.
struct Row {
  int64_t line = 0;
  int64_t end_column = 0;  // 1-based column just past the last character
  std::vector<Field> fields;
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }

Row split_line(std::string_view line, int64_t line_no) {
  Row row{line_no, static_cast<int64_t>(line.size()) + 1, {}};
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    const size_t end = comma == std::string_view::npos ? line.size() : comma;
    size_t a = start, b = end;
    while (a < b && is_blank(line[a])) ++a;
    while (b > a && is_blank(line[b - 1])) --b;
    row.fields.push_back({line.substr(a, b - a), static_cast<int64_t>(a) + 1});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return row;
}

/// Every non-blank line of `text`, with its 1-based number; a trailing '\r' is dropped.
std::vector<Row> split_rows(std::string_view text) {
  std::vector<Row> rows;
  int64_t line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    ++line_no;
    const size_t newline = text.find('\n', start);
    const size_t end = newline == std::string_view::npos ? text.size() : newline;
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!std::all_of(line.begin(), line.end(), is_blank)) rows.push_back(split_line(line, line_no));
    start = end + 1;
  }
  return rows;
}

/// Turns a problem at a position into the IOError every CSV mistake becomes.
[[noreturn]] void fail(const std::string& path, int64_t line, int64_t column, const std::string& problem) {
  throw IOError(path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + problem);
}

std::string quoted(std::string_view s) {
  std::string q(1, '\'');
  q.append(s).push_back('\'');
  return q;
}

bool parse_number(std::string_view text, double& value) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

bool parse_float(std::string_view text, float& value) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

bool is_plain_nonnegative_integer(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string missing_target_message(const std::string& target, const std::vector<std::string>& names) {
  std::string message = "no column named " + quoted(target) + " in the header";
  const auto closest = std::min_element(names.begin(), names.end(), [&](const auto& x, const auto& y) {
    return edit_distance(target, x) < edit_distance(target, y);
  });
  if (closest != names.end() && edit_distance(target, *closest) <= std::max<size_t>(2, target.size() / 3))
    message += "; did you mean " + quoted(*closest) + "?";
  message += " (columns: ";
  constexpr size_t kShown = 8;
  for (size_t i = 0; i < names.size() && i < kShown; ++i) message += (i ? ", " : "") + names[i];
  if (names.size() > kShown) message += ", ... " + std::to_string(names.size()) + " in all";
  return message + ")";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IOError(path + ": cannot open the CSV file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IOError(path + ": cannot read the CSV file");
  return std::move(text).str();
}

/// The target of a row, kept as text until every row is read and the task is known.
struct TargetCell {
  std::string_view text;
  int64_t line;
  int64_t column;
};

Tensor parse_targets(const std::string& path, const std::string& target, const std::vector<TargetCell>& cells,
                     Task task) {
  const auto n = static_cast<int64_t>(cells.size());
  if (task == Task::Classification) {
    Tensor labels = Tensor::empty({n}, DType::Int64);
    int64_t* out = labels.data<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      const TargetCell& cell = cells[static_cast<size_t>(i)];
      double value = 0.0;
      if (!parse_number(cell.text, value) || value < 0.0 || value != std::floor(value) || value > 9.0e15)
        fail(path, cell.line, cell.column,
             "class label in column " + quoted(target) + " must be a non-negative integer, got " + quoted(cell.text));
      out[i] = static_cast<int64_t>(value);
    }
    return labels;
  }
  Tensor values = Tensor::empty({n, 1}, DType::Float32);
  float* out = values.data<float>();
  for (int64_t i = 0; i < n; ++i) {
    const TargetCell& cell = cells[static_cast<size_t>(i)];
    if (!parse_float(cell.text, out[i]))
      fail(path, cell.line, cell.column,
           "column " + quoted(target) + " must hold a finite number, got " + quoted(cell.text));
  }
  return values;
}

detail::CsvTable read_table(const std::string& path, const CsvOptions& options) {
  if (!std::isfinite(options.scale) || options.scale == 0.0f)
    throw ValueError("CsvDataset: scale must be a finite, non-zero number, got " + std::to_string(options.scale) +
                     " (reading " + path + ")");
  const std::string text = read_file(path);
  const std::vector<Row> rows = split_rows(text);
  if (rows.empty()) fail(path, 1, 1, "empty file, expected a header row of column names");

  const Row& header = rows.front();
  std::vector<std::string> names;
  for (const Field& f : header.fields) names.emplace_back(f.text);
  const auto target_it = std::find(names.begin(), names.end(), options.target);
  if (target_it == names.end()) fail(path, header.line, 1, missing_target_message(options.target, names));
  const auto target_col = static_cast<size_t>(target_it - names.begin());
  if (names.size() == 1) fail(path, header.line, 1, "no feature columns besides the target " + quoted(options.target));
  if (rows.size() == 1)
    fail(path, header.line + 1, 1, "no data rows after the header");

  const size_t width = names.size();
  const auto n = static_cast<int64_t>(rows.size() - 1);
  const auto num_features = static_cast<int64_t>(width - 1);
  Tensor features = Tensor::empty({n, num_features}, DType::Float32);
  float* out = features.data<float>();
  std::vector<TargetCell> targets;
  targets.reserve(static_cast<size_t>(n));
  for (size_t r = 1; r < rows.size(); ++r) {
    const Row& row = rows[r];
    if (row.fields.size() < width)
      fail(path, row.line, row.end_column,
           "missing field: the row has " + std::to_string(row.fields.size()) + " fields, the header " +
               std::to_string(width) + " (column " + quoted(names[row.fields.size()]) + " is missing)");
    if (row.fields.size() > width)
      fail(path, row.line, row.fields[width].column,
           "extra field: the row has " + std::to_string(row.fields.size()) + " fields, the header " +
               std::to_string(width));
    for (size_t c = 0; c < width; ++c) {
      const Field& field = row.fields[c];
      if (c == target_col) {
        targets.push_back({field.text, row.line, field.column});
        continue;
      }
      float value = 0.0f;
      if (!parse_float(field.text, value))
        fail(path, row.line, field.column,
             "column " + quoted(names[c]) + " must hold a finite number, got " + quoted(field.text));
      *out++ = value * options.scale;
    }
  }

  const Task task = options.task.value_or(
      std::all_of(targets.begin(), targets.end(), [](const TargetCell& t) { return is_plain_nonnegative_integer(t.text); })
          ? Task::Classification
          : Task::Regression);
  Tensor target_tensor = parse_targets(path, options.target, targets, task);

  names.erase(names.begin() + static_cast<std::ptrdiff_t>(target_col));
  return {path, std::move(names), options.target, std::move(features), std::move(target_tensor)};
}

}  // namespace

CsvDataset::CsvDataset(const std::string& path, const CsvOptions& options)
    : CsvDataset(read_table(path, options)) {}

CsvDataset::CsvDataset(detail::CsvTable&& table)
    : TensorDataset(std::move(table.features), std::move(table.targets)),
      path_(std::move(table.path)),
      feature_names_(std::move(table.feature_names)),
      target_name_(std::move(table.target_name)) {}

}  // namespace minidl::data
