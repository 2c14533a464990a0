#pragma once
// "Did you mean": the known name closest to a misspelt one, for error messages.
#include <string>
#include <string_view>
#include <vector>

namespace minidl::optim::detail {

/// The known name within a few edits of `name` (the fewest), or "" when none is that close.
std::string closest_name(std::string_view name, const std::vector<std::string_view>& known);

/// "; did you mean 'lr'? (known: a, b, c)" — or just " (known: ...)" without a close one.
std::string suggestion(std::string_view name, const std::vector<std::string_view>& known);

}  // namespace minidl::optim::detail
