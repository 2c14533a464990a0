#include "minidl/data/csv_dataset.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>

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

/// Turns a problem at a position into the IOError every CSV mistake becomes.
[[noreturn]] void fail(const std::string& path, int64_t line, int64_t column, const std::string& problem) {
  throw IOError(path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + problem);
}

/// Text from the file as an error message shows it: quoted, with control characters and invalid
/// UTF-8 escaped, and cut after 60 bytes, so a huge field or binary garbage cannot flood a terminal.
std::string excerpt(std::string_view text) {
  constexpr size_t kShown = 60;
  if (text.size() <= kShown) return fmt::format("{:?}", text);
  size_t cut = kShown;  // back to a character boundary: a cut UTF-8 sequence would show as escapes
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return fmt::format("{:?}... ({} bytes)", text.substr(0, cut), text.size());
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// One comma-separated field: its text without surrounding blanks (and, quoted, without its
/// quotes), and where it starts.
struct Field {
  std::string_view text;
  int64_t column = 0;  // 1-based byte column of the field's first character (a quoted one's quote)
};

/// Walks the fields of one line in order, without storing them. A field may be quoted as RFC 4180
/// and spreadsheets write it (`"petal length, cm"`, `"say ""hi"""`): its commas are text and a
/// doubled quote is one. The line's quotes are well formed (check_quotes has passed it).
class FieldCursor {
 public:
  explicit FieldCursor(std::string_view line) : line_(line) {}
  /// The next field; false after the last one. A quoted field's text with a doubled quote lives
  /// in the cursor until the next call.
  bool next(Field& field) {
    if (start_ > line_.size()) return false;
    size_t a = start_;
    while (a < line_.size() && is_blank(line_[a])) ++a;
    if (a < line_.size() && line_[a] == '"') {
      const size_t close = closing_quote(line_, a);
      field = {unquoted(line_.substr(a + 1, close - a - 1)), static_cast<int64_t>(a) + 1};
      start_ = std::min(line_.find(',', close), line_.size()) + 1;
      return true;
    }
    const size_t comma = std::min(line_.find(',', a), line_.size());
    size_t b = comma;
    while (b > a && is_blank(line_[b - 1])) --b;
    field = {line_.substr(a, b - a), static_cast<int64_t>(a) + 1};
    start_ = comma + 1;
    return true;
  }

  /// The position of the quote that closes the field opened at `open`; npos when none does.
  static size_t closing_quote(std::string_view line, size_t open) {
    for (size_t i = open + 1; i < line.size(); ++i) {
      if (line[i] != '"') continue;
      if (i + 1 < line.size() && line[i + 1] == '"') ++i;  // a doubled quote is text
      else return i;
    }
    return std::string_view::npos;
  }

 private:
  std::string_view unquoted(std::string_view inside) {
    if (inside.find('"') == std::string_view::npos) return inside;
    scratch_.clear();
    for (size_t i = 0; i < inside.size(); ++i) {
      scratch_ += inside[i];
      if (inside[i] == '"') ++i;  // the pair's second quote
    }
    return scratch_;
  }

  std::string_view line_;
  size_t start_ = 0;
  std::string scratch_;
};

/// Where a line's quoting is broken, and how; column 0 when it is not. A quote that opens a field
/// must close on the same line, followed only by blanks before the next comma.
struct QuoteProblem {
  int64_t column = 0;
  std::string what;
};

QuoteProblem check_quotes(std::string_view line) {
  size_t start = 0;
  while (start <= line.size()) {
    size_t a = start;
    while (a < line.size() && is_blank(line[a])) ++a;
    size_t end = a;
    if (a < line.size() && line[a] == '"') {
      const size_t close = FieldCursor::closing_quote(line, a);
      if (close == std::string_view::npos)
        return {static_cast<int64_t>(a) + 1,
                "a quoted field that does not close on its line (a line break inside quotes is not supported)"};
      end = close + 1;
      while (end < line.size() && is_blank(line[end])) ++end;
      if (end < line.size() && line[end] != ',')
        return {static_cast<int64_t>(end) + 1, "text after a quoted field's closing quote (a quote inside a "
                                               "quoted field is written twice: \"\")"};
    }
    const size_t comma = line.find(',', end);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return {};
}

/// The fields of a line with a quote, whose quoting check_quotes must find well formed (else
/// IOError at the problem). Rare, so kept out of the common path.
[[gnu::cold]] size_t count_quoted_fields(const std::string& path, int64_t line_number, std::string_view line) {
  if (const QuoteProblem problem = check_quotes(line); problem.column > 0)
    fail(path, line_number, problem.column, problem.what);
  size_t fields = 0;
  FieldCursor cursor(line);
  for (Field field; cursor.next(field);) ++fields;
  return fields;
}

/// The fields of line `line_number` of `path`.
size_t count_fields(const std::string& path, int64_t line_number, std::string_view line) {
  if (line.find('"') != std::string_view::npos) return count_quoted_fields(path, line_number, line);
  return 1 + static_cast<size_t>(std::count(line.begin(), line.end(), ','));
}

/// Where the lines come from. A regular file is read from disk on each pass; anything else (a
/// pipe, a device) can be read only once, so its contents are kept in memory.
class CsvSource {
 public:
  explicit CsvSource(const std::string& path) : path_(path) {
    std::error_code ignored;
    if (std::filesystem::is_regular_file(path, ignored)) return;
    if (std::filesystem::is_directory(path, ignored)) throw IOError(path + ": is a directory, not a CSV file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IOError(path + ": cannot open the CSV file");
    try {
      contents_.emplace(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } catch (const std::ios_base::failure& e) {  // the iterator, unlike getline, lets a read error escape
      throw IOError(path + ": cannot read the CSV file (" + e.code().message() + ")");
    }
  }

  const std::string& path() const { return path_; }
  /// A stream from the first byte.
  std::unique_ptr<std::istream> open() const {
    if (contents_) return std::make_unique<std::istringstream>(*contents_);
    auto in = std::make_unique<std::ifstream>(path_, std::ios::binary);
    if (!*in) throw IOError(path_ + ": cannot open the CSV file");
    return in;
  }

 private:
  std::string path_;
  std::optional<std::string> contents_;
};

/// Reads a source's non-blank lines one at a time, so memory does not grow with the file: a
/// trailing '\r' is dropped and a UTF-8 byte order mark before the first line is skipped
/// (columns count from the character after it). A gzip file or a NUL byte anywhere is an error
/// that says so: read as text, binary data failed later as a field count or a number.
class LineReader {
 public:
  explicit LineReader(const CsvSource& source) : path_(source.path()), in_(source.open()) {}

  /// The next non-blank line; false at the end of the file.
  bool next(std::string_view& line) {
    while (std::getline(*in_, buffer_)) {
      ++line_number_;
      line = buffer_;
      if (line_number_ == 1 && line.starts_with(kGzipMagic))
        fail(path_, 1, 1, "gzip-compressed data, not CSV text (decompress it first)");
      if (line_number_ == 1 && line.starts_with(kByteOrderMark)) line.remove_prefix(kByteOrderMark.size());
      if (const size_t nul = line.find('\0'); nul != std::string_view::npos)
        fail(path_, line_number_, static_cast<int64_t>(nul) + 1,
             "a NUL byte: binary data, not CSV text (or text saved as UTF-16; save it as UTF-8)");
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!std::all_of(line.begin(), line.end(), is_blank)) return true;
    }
    if (in_->bad()) throw IOError(path_ + ": cannot read the CSV file");
    return false;
  }
  /// The 1-based number of the line next() returned last.
  int64_t line_number() const { return line_number_; }

 private:
  static constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  static constexpr std::string_view kGzipMagic = "\x1F\x8B";
  const std::string& path_;
  std::unique_ptr<std::istream> in_;
  std::string buffer_;
  int64_t line_number_ = 0;
};

/// Whether a number that from_chars found outside float's range is too small rather than too
/// large: whether the decimal exponent of its first significant digit is negative. `text` is
/// what from_chars matched: [-]digits[.digits][(e|E)[+|-]digits], not zero.
bool underflows(std::string_view text) {
  if (text.starts_with('-')) text.remove_prefix(1);
  const size_t e = std::min(text.find_first_of("eE"), text.size());
  const std::string_view mantissa = text.substr(0, e);
  const size_t point = std::min(mantissa.find('.'), mantissa.size());
  const size_t first = mantissa.find_first_of("123456789");
  if (first == std::string_view::npos) return true;  // zero is never out of range; be safe anyway
  const auto leading = first < point ? static_cast<int64_t>(point - first - 1) : -static_cast<int64_t>(first - point);
  std::string_view exponent = e < text.size() ? text.substr(e + 1) : "0";
  const bool negative = exponent.starts_with('-');
  if (negative || exponent.starts_with('+')) exponent.remove_prefix(1);
  uint64_t magnitude = 0;
  if (std::from_chars(exponent.data(), exponent.data() + exponent.size(), magnitude).ec != std::errc())
    return negative;  // an exponent beyond 2^64 outweighs any digit count
  return negative ? leading < 0 || static_cast<uint64_t>(leading) < magnitude
                  : leading < 0 && magnitude < static_cast<uint64_t>(-leading);
}

/// Parses `text` into a float32 as numpy's cast of the decimal value gives it: too small a
/// number becomes a subnormal or a signed zero. Returns the problem ("" if none).
std::string_view parse_float(std::string_view text, float& value) {
  constexpr std::string_view kNotANumber = "must hold a finite number";
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.remove_prefix(1);
  const char* end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (stop != end) return kNotANumber;
  if (ec == std::errc::result_out_of_range) {
    if (!underflows(text)) return "must hold a number within float32's range (magnitude below 3.4e38)";
    value = text.starts_with('-') ? -0.0f : 0.0f;
    return "";
  }
  return ec == std::errc() && std::isfinite(value) ? "" : kNotANumber;
}

bool parse_label(std::string_view text, int64_t& label) {
  if (text.size() > 1 && text[0] == '+' && text[1] != '-') text.remove_prefix(1);
  double value = 0.0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value < 0.0 ||
      value != std::floor(value) || value > 9.0e15)
    return false;
  label = static_cast<int64_t>(value);
  return true;
}

bool is_plain_nonnegative_integer(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// Levenshtein distance; the row is as long as `b`, so pass the short string second.
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
  std::string message = "no column named " + excerpt(target) + " in the header";
  // Only names whose length is within reach can be close; it also keeps a huge name from costing time.
  const size_t reach = std::max<size_t>(2, target.size() / 3);
  const std::string* closest = nullptr;
  size_t best = reach + 1;
  for (const std::string& name : names) {
    if (std::max(name.size(), target.size()) - std::min(name.size(), target.size()) > reach) continue;
    if (const size_t d = edit_distance(name, target); d < best) best = d, closest = &name;
  }
  if (closest) message += "; did you mean " + excerpt(*closest) + "?";
  message += " (columns: ";
  constexpr size_t kShown = 8;
  for (size_t i = 0; i < names.size() && i < kShown; ++i) message += (i ? ", " : "") + excerpt(names[i]);
  if (names.size() > kShown) message += ", ... " + std::to_string(names.size()) + " in all";
  return message + ")";
}

/// The header row: column names, each checked to be non-empty and unique.
std::vector<std::string> read_header(const std::string& path, LineReader& lines) {
  std::string_view line;
  if (!lines.next(line)) fail(path, 1, 1, "empty file, expected a header row of column names");
  std::vector<std::string> names;
  // Keyed by copies: a quoted name's text lives in the cursor only until its next field.
  std::unordered_map<std::string, int64_t> first_column;
  count_fields(path, lines.line_number(), line);  // checks the quotes
  FieldCursor cursor(line);
  for (Field field; cursor.next(field);) {
    if (field.text.empty())
      fail(path, lines.line_number(), field.column,
           names.empty() ? "empty column name (a first column without a name is often a row index: write the "
                           "file without it, as pandas' to_csv(index=False) or R's write.csv(row.names=FALSE) do)"
                         : "empty column name");
    const auto [it, inserted] = first_column.emplace(field.text, field.column);
    if (!inserted)
      fail(path, lines.line_number(), field.column,
           "duplicate column name " + excerpt(field.text) + " (first at column " + std::to_string(it->second) + ")");
    names.emplace_back(field.text);
  }
  return names;
}

/// Calls visit(line) for every data row after the header, once its field count is checked.
template <typename Visit>
void for_each_row(const std::string& path, LineReader& lines, const std::vector<std::string>& names, Visit visit) {
  std::string_view line;
  while (lines.next(line)) {
    const size_t fields = count_fields(path, lines.line_number(), line);
    if (fields < names.size())
      fail(path, lines.line_number(), static_cast<int64_t>(line.size()) + 1,
           "missing field: the row has " + std::to_string(fields) + " fields, the header " +
               std::to_string(names.size()) + " (column " + excerpt(names[fields]) + " is missing)");
    if (fields > names.size()) {
      FieldCursor cursor(line);
      Field extra;
      for (size_t c = 0; c <= names.size(); ++c) cursor.next(extra);
      fail(path, lines.line_number(), extra.column,
           "extra field: the row has " + std::to_string(fields) + " fields, the header " +
               std::to_string(names.size()));
    }
    visit(line);
  }
}

/// What the first pass learns: how many rows to allocate and, unless forced, the task.
struct TableShape {
  int64_t rows = 0;
  Task task = Task::Classification;
};

/// The first pass: checks every row's field count (so the table allocated next is bounded by the
/// file's size) and counts the rows; the task is classification when every target is written
/// as a plain non-negative integer.
TableShape measure(const CsvSource& source, size_t target_col, const std::vector<std::string>& names) {
  const std::string& path = source.path();
  LineReader lines(source);
  read_header(path, lines);
  TableShape shape;
  bool plain_integers = true;
  for_each_row(path, lines, names, [&](std::string_view line) {
    ++shape.rows;
    if (!plain_integers || target_col >= names.size()) return;
    FieldCursor cursor(line);
    Field field;
    for (size_t c = 0; c <= target_col; ++c) cursor.next(field);
    plain_integers = is_plain_nonnegative_integer(field.text);
  });
  shape.task = plain_integers ? Task::Classification : Task::Regression;
  return shape;
}

detail::CsvTable read_table(const std::string& path, const CsvOptions& options) {
  if (!std::isfinite(options.scale) || options.scale == 0.0f)
    throw ValueError("CsvDataset: scale must be a finite, non-zero number, got " + std::to_string(options.scale) +
                     " (reading " + path + ")");
  const CsvSource source(path);
  LineReader lines(source);
  std::vector<std::string> names = read_header(path, lines);
  const int64_t header_line = lines.line_number();
  const auto target_it = std::find(names.begin(), names.end(), options.target);
  const bool has_target = target_it != names.end();
  if (!has_target && !options.target_optional)
    fail(path, header_line, 1, missing_target_message(options.target, names));
  // Without a target column, no column index matches target_col.
  const auto target_col = static_cast<size_t>(target_it - names.begin());
  if (has_target && names.size() == 1)
    fail(path, header_line, 1, "no feature columns besides the target " + excerpt(options.target));

  const TableShape shape = measure(source, target_col, names);
  if (shape.rows == 0) fail(path, header_line + 1, 1, "no data rows after the header");
  const Task task = options.task.value_or(shape.task);

  // The second pass parses straight into the final tensors.
  const auto num_features = static_cast<int64_t>(names.size() - (has_target ? 1 : 0));
  Tensor features = Tensor::empty({shape.rows, num_features}, DType::Float32);
  Tensor targets = task == Task::Classification ? Tensor::zeros({shape.rows}, DType::Int64)
                                                : Tensor::zeros({shape.rows, 1}, DType::Float32);
  float* feature_out = features.data<float>();
  const auto parse_value = [&](const Field& field, size_t column_index, float& value) {
    if (const std::string_view problem = parse_float(field.text, value); !problem.empty())
      fail(path, lines.line_number(), field.column,
           "column " + excerpt(names[column_index]) + " " + std::string(problem) + ", got " + excerpt(field.text));
  };
  int64_t row = 0;
  for_each_row(path, lines, names, [&](std::string_view line) {
    if (row == shape.rows) fail(path, lines.line_number(), 1, "the file changed while it was read");
    FieldCursor cursor(line);
    Field field;
    for (size_t c = 0; cursor.next(field); ++c) {
      if (c != target_col) {
        parse_value(field, c, *feature_out);
        *feature_out *= options.scale;
        if (!std::isfinite(*feature_out++))
          fail(path, lines.line_number(), field.column,
               "column " + excerpt(names[c]) + ": " + excerpt(field.text) + " times the scale " +
                   fmt::format("{}", options.scale) + " is beyond float32's range");
      } else if (task == Task::Regression) {
        parse_value(field, c, targets.data<float>()[row]);
      } else if (!parse_label(field.text, targets.data<int64_t>()[row])) {
        fail(path, lines.line_number(), field.column,
             "class label in column " + excerpt(names[c]) + " must be a non-negative integer, got " +
                 excerpt(field.text));
      }
    }
    ++row;
  });
  if (row != shape.rows) fail(path, lines.line_number() + 1, 1, "the file changed while it was read");

  if (!has_target) return {path, std::move(names), "", std::move(features), std::move(targets)};
  names.erase(names.begin() + static_cast<std::ptrdiff_t>(target_col));
  return {path, std::move(names), options.target, std::move(features), std::move(targets)};
}

}  // namespace

CsvDataset::CsvDataset(const std::string& path, const CsvOptions& options)
    : CsvDataset(read_table(path, options)) {}

std::string CsvDataset::sample_origin(int64_t index) const {
  // Read again rather than kept: a line number per row would cost memory on every file for
  // the sake of a rare message.
  std::error_code ignored;
  if (index < 0 || !std::filesystem::is_regular_file(path_, ignored)) return path_;
  try {
    const CsvSource source(path_);
    LineReader lines(source);
    const std::vector<std::string> names = read_header(path_, lines);
    const auto target = std::find(names.begin(), names.end(), target_name_);
    const auto column = static_cast<size_t>(target == names.end() ? 0 : target - names.begin());
    std::string_view line;
    for (int64_t row = 0; lines.next(line); ++row) {
      if (row < index) continue;
      count_fields(path_, lines.line_number(), line);  // checks the quotes the cursor relies on
      FieldCursor cursor(line);
      Field field;
      for (size_t c = 0; c <= column && cursor.next(field); ++c) {
      }
      return path_ + ":" + std::to_string(lines.line_number()) + ":" + std::to_string(field.column);
    }
  } catch (const IOError&) {  // changed since it was read: the path still names it
  }
  return path_;
}

CsvDataset::CsvDataset(detail::CsvTable&& table)
    : TensorDataset(std::move(table.features), std::move(table.targets)),
      path_(std::move(table.path)),
      feature_names_(std::move(table.feature_names)),
      target_name_(std::move(table.target_name)) {}

}  // namespace minidl::data
