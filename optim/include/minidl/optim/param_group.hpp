#pragma once
// The parameters an optimizer updates: named Variables in one or more groups, each group
// with option overrides that fall back to the optimizer's defaults.
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "minidl/autograd/variable.hpp"
#include "minidl/core/option_value.hpp"

namespace minidl::optim {

/// Parameters by name, as nn::Module::named_parameters() gives them ("0.weight", "0.bias").
using NamedParameters = std::vector<std::pair<std::string, Variable>>;

/// Some parameters and the options that differ for them: {net_head, {{"lr", 1e-2}}}.
struct ParamGroup {
  ParamGroup(NamedParameters params, OptionMap options = {})
      : params(std::move(params)), options(std::move(options)) {}
  /// Unnamed parameters are named by their position in the optimizer: "0", "1", ...
  ParamGroup(const std::vector<Variable>& params, OptionMap options = {});

  NamedParameters params;
  OptionMap options;
};

/// What an optimizer is built from: one group of named or unnamed parameters, or several groups.
struct ParamGroups {
  ParamGroups(NamedParameters params) { groups.emplace_back(std::move(params)); }
  ParamGroups(const std::vector<Variable>& params) { groups.emplace_back(params); }
  ParamGroups(std::initializer_list<Variable> params)
      : ParamGroups(std::vector<Variable>(params)) {}
  ParamGroups(std::vector<ParamGroup> groups) : groups(std::move(groups)) {}
  ParamGroups(std::initializer_list<ParamGroup> groups) : groups(groups) {}

  std::vector<ParamGroup> groups;
};

}  // namespace minidl::optim
