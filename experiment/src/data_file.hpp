#pragma once
// Internal: the check every data source makes of a file option before its reader opens it.
#include <string>

namespace minidl::experiment {

/// Throws OptionError(component, option) unless `path` is a regular file: it says whether the
/// path is missing or a folder, and where relative paths start.
void require_data_file(const char* component, const char* option, const std::string& path);

}  // namespace minidl::experiment
