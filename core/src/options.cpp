// OptionValue's text form, the option type conversions, and the option error messages.
#include "minidl/core/options.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "minidl/core/suggest.hpp"

namespace minidl {

std::string format_number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, x);
  (void)ec;  // 32 characters always hold the shortest form of a double
  return std::string(buffer, end);
}

std::optional<double> parse_number(std::string_view text) {
  if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (text == "inf") return std::numeric_limits<double>::infinity();
  if (text == "-inf") return -std::numeric_limits<double>::infinity();
  double value = 0.0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || end != text.data() + text.size()) return std::nullopt;
  // Beyond double's range ("1e400", "1e-400") is still a number: the nearest double, infinity
  // or zero, as strtod and YAML readers give it, so that a range check can name the value.
  if (ec == std::errc::result_out_of_range) return std::strtod(std::string(text).c_str(), nullptr);
  if (ec != std::errc()) return std::nullopt;
  return value;
}

namespace {

std::string join_numbers(const std::vector<double>& values, const char* open, const char* close) {
  std::string text = open;
  for (size_t i = 0; i < values.size(); ++i) text += (i ? ", " : "") + format_number(values[i]);
  return text + close;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Exact integers only: 3.0 is the integer 3, 3.5 is not an integer.
std::optional<int64_t> to_integer(double x) {
  if (!(x >= -9.2e18 && x <= 9.2e18) || std::trunc(x) != x) return std::nullopt;
  return static_cast<int64_t>(x);
}

// "a number", "an integer", "a list of two numbers", "true or false": a type as a message reads it.
std::string with_article(std::string_view type) {
  if (type == "boolean") return "true or false";
  if (type.starts_with("two")) return "a list of " + std::string(type);
  const bool vowel = !type.empty() && std::string_view("aeiou").find(type.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(type);
}

}  // namespace

std::optional<double> OptionValue::number() const {
  if (const auto* integer = std::get_if<int64_t>(&value_)) return static_cast<double>(*integer);
  if (const auto* number = std::get_if<double>(&value_)) return *number;
  return std::nullopt;
}

std::string OptionValue::to_string() const {
  if (const auto* flag = std::get_if<bool>(&value_)) return *flag ? "true" : "false";
  if (const auto* integer = std::get_if<int64_t>(&value_)) return std::to_string(*integer);
  if (const auto* number = std::get_if<double>(&value_)) return format_number(*number);
  if (const auto* text = std::get_if<std::string>(&value_)) return *text;
  return join_numbers(std::get<std::vector<double>>(value_), "[", "]");
}

OptionValue OptionValue::parse(std::string_view text) {
  const std::string_view body = trim(text);
  if (body == "true") return true;
  if (body == "false") return false;
  if (auto integer = parse_integer<int64_t>(body)) return *integer;
  if (auto number = parse_number(body)) return *number;
  if (body.size() >= 2 && body.front() == '[' && body.back() == ']') {
    std::vector<double> list;
    std::string_view rest = trim(body.substr(1, body.size() - 2));
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      auto number = parse_number(trim(rest.substr(0, comma)));
      if (!number) break;
      list.push_back(*number);
      if (comma == std::string_view::npos) return list;
      rest = rest.substr(comma + 1);
    }
    if (rest.empty()) return list;
  }
  return std::string(text);
}

bool operator==(const OptionValue& a, const OptionValue& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_integer() && b.is_integer()) return std::get<int64_t>(a.value_) == std::get<int64_t>(b.value_);
    return *a.number() == *b.number();
  }
  return a.value_ == b.value_;
}

std::optional<bool> OptionTraits<bool>::from(const OptionValue& v) {
  if (!v.is_bool()) return std::nullopt;
  return std::get<bool>(v.get());
}

std::optional<int64_t> OptionTraits<int64_t>::from(const OptionValue& v) {
  if (v.is_integer()) return std::get<int64_t>(v.get());
  if (!v.is_number()) return std::nullopt;
  return to_integer(*v.number());
}

std::optional<std::string> OptionTraits<std::string>::from(const OptionValue& v) {
  if (!v.is_string()) return std::nullopt;
  return std::get<std::string>(v.get());
}

std::optional<std::pair<double, double>> OptionTraits<std::pair<double, double>>::from(const OptionValue& v) {
  if (!v.is_list()) return std::nullopt;
  const auto& list = std::get<std::vector<double>>(v.get());
  if (list.size() != 2) return std::nullopt;
  return std::pair{list[0], list[1]};
}
std::string OptionTraits<std::pair<double, double>>::format(const std::pair<double, double>& x) {
  return join_numbers({x.first, x.second}, "(", ")");
}

std::optional<std::vector<int64_t>> OptionTraits<std::vector<int64_t>>::from(const OptionValue& v) {
  if (!v.is_list()) return std::nullopt;
  std::vector<int64_t> values;
  for (double x : std::get<std::vector<double>>(v.get())) {
    auto integer = to_integer(x);
    if (!integer) return std::nullopt;
    values.push_back(*integer);
  }
  return values;
}
OptionValue OptionTraits<std::vector<int64_t>>::to(const std::vector<int64_t>& x) {
  return std::vector<double>(x.begin(), x.end());
}
std::string OptionTraits<std::vector<int64_t>>::format(const std::vector<int64_t>& x) {
  return join_numbers(std::vector<double>(x.begin(), x.end()), "[", "]");
}

std::optional<std::vector<double>> OptionTraits<std::vector<double>>::from(const OptionValue& v) {
  if (!v.is_list()) return std::nullopt;
  return std::get<std::vector<double>>(v.get());
}
std::string OptionTraits<std::vector<double>>::format(const std::vector<double>& x) {
  return join_numbers(x, "[", "]");
}

std::optional<Size2> OptionTraits<Size2>::from(const OptionValue& v) {
  if (auto n = OptionTraits<int64_t>::from(v)) return Size2{*n, *n};
  auto pair = OptionTraits<std::vector<int64_t>>::from(v);
  if (!pair || pair->size() != 2) return std::nullopt;
  return Size2{(*pair)[0], (*pair)[1]};
}
OptionValue OptionTraits<Size2>::to(const Size2& x) {
  if (x[0] == x[1]) return x[0];
  return std::vector<double>{static_cast<double>(x[0]), static_cast<double>(x[1])};
}
std::string OptionTraits<Size2>::format(const Size2& x) {
  if (x[0] == x[1]) return std::to_string(x[0]);
  // Appended, not "(" + ...: GCC 12 warns falsely (-Wrestrict) on that form once it is inlined.
  std::string text = "(";
  text += std::to_string(x[0]);
  text += ", ";
  text += std::to_string(x[1]);
  return text += ")";
}

namespace detail {

void throw_unknown_option(std::string_view owner, std::string_view name,
                          const std::vector<std::string_view>& known) {
  throw OptionError(std::string(owner), std::string(name),
                    "unknown option '" + std::string(name) + "'" + suggestion(name, known));
}

void throw_option_type(std::string_view owner, std::string_view name, std::string_view expected_type,
                       const OptionValue& got) {
  throw OptionError(std::string(owner), std::string(name),
                    "option " + std::string(name) + " must be " + with_article(expected_type) + ", got " +
                        (got.is_string() ? "string '" + got.to_string() + "'" : got.to_string()));
}

void throw_option_check(std::string_view owner, std::string_view name, std::string_view expected,
                        const std::string& got) {
  throw OptionError(std::string(owner), std::string(name),
                    "option " + std::string(name) + " must be " + std::string(expected) + ", got " + got);
}

void throw_option_choice(std::string_view owner, std::string_view name,
                         std::span<const std::string_view> choices, const std::string& got) {
  const std::vector<std::string_view> known(choices.begin(), choices.end());
  throw OptionError(std::string(owner), std::string(name),
                    "option " + std::string(name) + " must be " + describe_check({}, choices) + ", got '" +
                        got + "'" + did_you_mean(got, known));
}

void throw_missing_option(std::string_view owner, std::string_view name) {
  throw OptionError(std::string(owner), std::string(name),
                    "missing required option '" + std::string(name) + "'");
}

std::string describe_check(std::string_view expected, std::span<const std::string_view> choices) {
  if (choices.empty()) return std::string(expected);
  std::string text = "one of ";
  for (size_t i = 0; i < choices.size(); ++i) text += (i ? ", " : "") + std::string(choices[i]);
  return text;
}

}  // namespace detail
}  // namespace minidl
