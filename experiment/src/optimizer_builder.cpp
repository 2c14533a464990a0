#include "minidl/experiment/optimizer_builder.hpp"

#include "minidl/optim/registry.hpp"

namespace minidl::experiment {

bool matches_pattern(const std::string& pattern, const std::string& name) {
  // Iterative glob match with backtracking to the last '*'.
  size_t p = 0, n = 0, star = std::string::npos, mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p, ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (star != std::string::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

bool group_matches(const ParamGroupConfig& group, const std::string& name) {
  for (const std::string& pattern : group.params)
    if (matches_pattern(pattern, name)) return true;
  return false;
}

std::string patterns_text(const ParamGroupConfig& group) {
  std::string out;
  for (const std::string& p : group.params) out += (out.empty() ? "'" : ", '") + p + "'";
  return (group.params.size() > 1 ? "the patterns " : "the pattern ") + out;
}

// Group `g` got no parameter: none matches its patterns, or earlier groups took every one that does.
[[noreturn]] void fail_empty_group(const OptimizerConfig& config, size_t g, const optim::NamedParameters& params,
                                   const std::vector<size_t>& owner) {
  const ParamGroupConfig& group = config.param_groups[g];
  std::string taken, by;
  std::vector<bool> named(config.param_groups.size(), false);
  for (size_t i = 0; i < params.size(); ++i) {
    if (!group_matches(group, params[i].first)) continue;
    taken += (taken.empty() ? "" : ", ") + params[i].first;
    if (!named[owner[i]]) {
      named[owner[i]] = true;
      const ParamGroupConfig& earlier = config.param_groups[owner[i]];
      by += (by.empty() ? "" : " and ") + std::string("param_groups.") + std::to_string(owner[i]) + " (" +
            patterns_text(earlier) + ", at " + earlier.where.to_string() + ")";
    }
  }
  if (!taken.empty())
    throw ConfigError(group.where, "param_groups." + std::to_string(g) + ": " + patterns_text(group) + (group.params.size() > 1 ? " match " : " matches ") + taken + ", but the earlier " + by +
                                       " already took them: a parameter joins the first group that matches it");
  std::string names;
  for (const auto& param : params) names += (names.empty() ? "" : ", ") + param.first;
  throw ConfigError(group.where, "param_groups: no parameter matches " + patterns_text(group) + "; parameters: " + names);
}

}  // namespace

std::unique_ptr<optim::Optimizer> make_optimizer(const OptimizerConfig& config,
                                                 const optim::NamedParameters& params) {
  // owner[i]: the group parameter i joins, the first whose patterns match it (none: the rest).
  const size_t none = config.param_groups.size();
  std::vector<size_t> owner(params.size(), none);
  std::vector<optim::NamedParameters> matched(config.param_groups.size());
  optim::NamedParameters rest;
  for (size_t i = 0; i < params.size(); ++i) {
    for (size_t g = 0; g < config.param_groups.size() && owner[i] == none; ++g)
      if (group_matches(config.param_groups[g], params[i].first)) owner[i] = g;
    (owner[i] == none ? rest : matched[owner[i]]).push_back(params[i]);
  }
  std::vector<optim::ParamGroup> groups;
  if (!rest.empty()) groups.emplace_back(std::move(rest));
  for (size_t g = 0; g < matched.size(); ++g) {
    if (matched[g].empty()) fail_empty_group(config, g, params, owner);
    groups.emplace_back(std::move(matched[g]), config.param_groups[g].options.map());
  }
  // The options were checked when the config was read; what optim still refuses is located.
  return config.optimizer.build([&] {
    return optim::make(config.optimizer.type, optim::ParamGroups(std::move(groups)), config.optimizer.map());
  });
}

std::unique_ptr<optim::Scheduler> make_scheduler(const ComponentConfig& config,
                                                 optim::Optimizer& optimizer) {
  return config.build([&] { return optim::make_scheduler(config.type, optimizer, config.map()); });
}

}  // namespace minidl::experiment
