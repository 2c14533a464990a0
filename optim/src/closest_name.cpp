#include "closest_name.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace minidl::optim::detail {
namespace {

// Levenshtein distance, case-insensitive: "LR" is one mistake away from nothing.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      const size_t next = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = row[j];
      row[j] = next;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string closest_name(std::string_view name, const std::vector<std::string_view>& known) {
  // Farther than a third of the name (at least 2 edits) is a different word, not a typo.
  size_t best = std::max<size_t>(2, name.size() / 3) + 1;
  std::string_view closest;
  for (std::string_view candidate : known) {
    const size_t d = edit_distance(name, candidate);
    if (d < best) {
      best = d;
      closest = candidate;
    }
  }
  return std::string(closest);
}

std::string suggestion(std::string_view name, const std::vector<std::string_view>& known) {
  std::string text;
  if (std::string close = closest_name(name, known); !close.empty())
    text += "; did you mean '" + close + "'?";
  text += " (known: ";
  for (size_t i = 0; i < known.size(); ++i) text += (i ? ", " : "") + std::string(known[i]);
  return text + ")";
}

}  // namespace minidl::optim::detail
