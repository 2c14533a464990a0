#pragma once
// "Did you mean": the known name closest to a misspelt one, for every error about a name
// (options, components, config keys, metrics).
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace minidl {

/// Optimal-string-alignment distance, case-insensitive: insertions, deletions, substitutions
/// and swaps of neighbours each cost 1 ("lrr" -> "lr" and "bacth" -> "batch" are 1).
size_t edit_distance(std::string_view a, std::string_view b);

/// The known name within a few edits of `name` (the fewest), or "" when none is that close:
/// a third of the shorter name, at least one edit ("lrr" finds "lr", "xy" does not). Failing
/// that, the one known name that `name` (3 letters or more) abbreviates: "val_acc" finds
/// "val_accuracy"; "val" finds nothing when both val_loss and val_accuracy are known. A name
/// PyTorch, Lightning or d2l uses for a known one finds it too: "max_epochs" finds "epochs".
std::string closest_name(std::string_view name, std::span<const std::string_view> known);
std::string closest_name(std::string_view name, std::span<const std::string> known);

/// " (did you mean 'lr'?)" or "": ready to append to a message.
std::string did_you_mean(std::string_view name, std::span<const std::string_view> known);
std::string did_you_mean(std::string_view name, std::span<const std::string> known);

/// "; did you mean 'lr'? (known: a, b, c)", or just " (known: ...)" without a close one.
std::string suggestion(std::string_view name, std::span<const std::string_view> known);

/// "a, b, c": names joined for "known ones are ..." messages.
std::string join_names(std::span<const std::string> names);
std::string join_names(std::span<const std::string_view> names);

}  // namespace minidl
