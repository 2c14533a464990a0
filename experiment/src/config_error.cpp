#include "minidl/experiment/config_error.hpp"

namespace minidl::experiment {

std::string Location::to_string() const {
  if (line <= 0) return origin;
  return origin + ":" + std::to_string(line) + ":" + std::to_string(column);
}

ConfigError::ConfigError(Location where, const std::string& problem)
    : Error(where.to_string() + ": " + problem), where_(std::move(where)), problem_(problem) {}

}  // namespace minidl::experiment
