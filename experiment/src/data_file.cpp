#include "data_file.hpp"

#include <filesystem>

#include "minidl/core/error.hpp"

namespace minidl::experiment {

void require_data_file(const char* component, const char* option, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) return;
  const std::string problem = std::filesystem::is_directory(path, ec) ? "is a folder, not a file" : "does not exist";
  throw OptionError(component, option,
                    "data file '" + path + "' " + problem + " (relative paths start at the working directory, " +
                        std::filesystem::current_path().string() + ")");
}

}  // namespace minidl::experiment
