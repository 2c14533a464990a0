#include "minidl/experiment/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace minidl::experiment {

int edit_distance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<int>> d(n + 1, std::vector<int>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = static_cast<int>(i);
  for (size_t j = 0; j <= m; ++j) d[0][j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::optional<std::string> closest_name(std::string_view name,
                                        std::span<const std::string> candidates) {
  const std::string key = lower(name);
  std::optional<std::string> best;
  int best_distance = 0;
  for (const std::string& c : candidates) {
    const int d = edit_distance(key, lower(c));
    if (!best || d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  if (!best) return std::nullopt;
  // A third of the shorter name, at least one edit: "lrr" finds "lr", "xy" does not find "lr".
  const size_t shorter = std::min(key.size(), best->size());
  const int allowed = std::max<int>(1, static_cast<int>(shorter) / 3);
  if (best_distance > allowed && best_distance > 0) return std::nullopt;
  return best;
}

std::string did_you_mean(std::string_view name, std::span<const std::string> candidates) {
  const auto best = closest_name(name, candidates);
  return best ? " (did you mean '" + *best + "'?)" : "";
}

std::string join_names(std::span<const std::string> names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

}  // namespace minidl::experiment
