#include "minidl/optim/param_group.hpp"

namespace minidl::optim {

ParamGroup::ParamGroup(const std::vector<Variable>& unnamed, OptionMap options)
    : options(std::move(options)) {
  // Names stay empty here: the optimizer numbers unnamed parameters across all its groups.
  params.reserve(unnamed.size());
  for (const Variable& v : unnamed) params.emplace_back(std::string(), v);
}

}  // namespace minidl::optim
