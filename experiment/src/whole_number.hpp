#pragma once
// Strict reading of whole numbers from files minidl wrote (checkpoints, metrics.csv, run folders).
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace minidl::experiment {

/// The whole of `text` as a decimal number in [min, max]; none for anything else (empty text, a
/// sign where Int has none, spaces, fractions, trailing characters, out of range).
template <class Int>
std::optional<Int> parse_whole_number(std::string_view text, Int min, Int max) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
    return std::nullopt;
  return value;
}

}  // namespace minidl::experiment
