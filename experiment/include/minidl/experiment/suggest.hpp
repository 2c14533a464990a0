#pragma once
// "Did you mean": the closest known name to a misspelt one.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace minidl::experiment {

/// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
/// neighbours each cost 1 ("lrr" -> "lr" is 1, "bacth" -> "batch" is 1).
int edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `name`, when close enough to be a plausible typo.
std::optional<std::string> closest_name(std::string_view name, std::span<const std::string> candidates);

/// " (did you mean 'lr'?)" or "" — ready to append to a message.
std::string did_you_mean(std::string_view name, std::span<const std::string> candidates);

/// "a, b, c": the names joined for "known ones are ..." messages.
std::string join_names(std::span<const std::string> names);

}  // namespace minidl::experiment
