#include "minidl/core/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace minidl {
namespace {

bool same_letter(char a, char b) {
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

std::vector<std::string_view> views(std::span<const std::string> names) {
  return {names.begin(), names.end()};
}

// What PyTorch, Lightning and d2l call some of minidl's names: far from them in letters, so no
// typo rule finds them.
constexpr std::pair<std::string_view, std::string_view> kOtherNames[] = {
    {"max_epochs", "epochs"},         {"num_epochs", "epochs"},       {"n_epochs", "epochs"},
    {"monitor", "metric"},            {"learning_rate", "lr"},        {"gradient_clip_val", "clip_grad_norm"},
    {"max_norm", "clip_grad_norm"},   {"in_features", "in"},          {"out_features", "out"},
    {"num_inputs", "in"},             {"num_outputs", "out"},         {"num_hiddens", "out"}};

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = same_letter(a[i - 1], b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && same_letter(a[i - 1], b[j - 2]) && same_letter(a[i - 2], b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::string closest_name(std::string_view name, std::span<const std::string_view> known) {
  std::string_view closest;
  size_t best = 0;
  for (std::string_view candidate : known) {
    const size_t d = edit_distance(name, candidate);
    // More than a third of the shorter name (at least one edit) is another word, not a typo.
    const size_t allowed = std::max<size_t>(1, std::min(name.size(), candidate.size()) / 3);
    if (d <= allowed && (closest.empty() || d < best)) {
      best = d;
      closest = candidate;
    }
  }
  if (!closest.empty()) return std::string(closest);
  for (const auto& [other, ours] : kOtherNames)
    if (other == name && std::find(known.begin(), known.end(), ours) != known.end()) return std::string(ours);
  if (name.size() < 3) return "";
  // An abbreviation, as Lightning users write "val_acc": only when it names one known name.
  for (std::string_view candidate : known)
    if (candidate.size() > name.size() && std::equal(name.begin(), name.end(), candidate.begin(), same_letter)) {
      if (!closest.empty()) return "";
      closest = candidate;
    }
  return std::string(closest);
}

std::string closest_name(std::string_view name, std::span<const std::string> known) {
  return closest_name(name, views(known));
}

std::string did_you_mean(std::string_view name, std::span<const std::string_view> known) {
  const std::string close = closest_name(name, known);
  return close.empty() ? "" : " (did you mean '" + close + "'?)";
}

std::string did_you_mean(std::string_view name, std::span<const std::string> known) {
  return did_you_mean(name, views(known));
}

std::string suggestion(std::string_view name, std::span<const std::string_view> known) {
  std::string text;
  if (std::string close = closest_name(name, known); !close.empty()) text += "; did you mean '" + close + "'?";
  return text + " (known: " + join_names(known) + ")";
}

std::string join_names(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string join_names(std::span<const std::string> names) { return join_names(views(names)); }

}  // namespace minidl
