#pragma once
// Numbers as text, one way everywhere: the shortest form that reads back to the same bits, and
// strict readers that accept a whole number and nothing around it.
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace minidl {

/// Shortest decimal text that reads back as exactly `x` ("0.001", "1e-08", "3"); "nan", "inf".
std::string format_number(double x);

/// The whole of `text` as a number ("0.5", "-1e3", "inf", "-inf", "nan"; "1e400" is inf and
/// "1e-400" is 0, as for strtod); nullopt for anything else (empty text, spaces, trailing characters).
std::optional<double> parse_number(std::string_view text);

/// The whole of `text` as a decimal integer in [min, max]; nullopt for anything else (empty
/// text, a sign where Int has none, spaces, fractions, trailing characters, out of range).
template <class Int>
std::optional<Int> parse_integer(std::string_view text, Int min = std::numeric_limits<Int>::min(),
                                 Int max = std::numeric_limits<Int>::max()) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
    return std::nullopt;
  return value;
}

}  // namespace minidl
