#include "minidl/experiment/optimizer_builder.hpp"

#include "minidl/experiment/optim_catalog.hpp"
#include "minidl/optim/registry.hpp"

namespace minidl::experiment {

namespace {

// optim names the option it rejects as "option NAME must ..." or "option 'NAME' ...": find
// which of the options written in the config that is, to point at it.
const Location& located(const std::string& message, const std::vector<const Options*>& written) {
  for (const Options* options : written)
    for (const Options::Entry& e : options->entries())
      if (e.given && (message.find("option " + e.name + " ") != std::string::npos ||
                      message.find("option '" + e.name + "'") != std::string::npos))
        return e.where;
  return written.front()->where();
}

template <class Build>
auto located_build(const std::vector<const Options*>& written, Build&& build) {
  try {
    return build();
  } catch (const ConfigError&) {
    throw;
  } catch (const ValueError& e) {
    throw ConfigError(located(e.what(), written), e.what());
  }
}

std::unique_ptr<optim::Optimizer> build(const OptimizerConfig& config,
                                        std::vector<optim::ParamGroup> groups) {
  std::vector<const Options*> written{&config.optimizer.options};
  for (const ParamGroupConfig& g : config.param_groups) written.push_back(&g.options);
  return located_build(written, [&] {
    return optim::make(config.optimizer.type, optim::ParamGroups(std::move(groups)),
                       to_option_map(config.optimizer.options));
  });
}

}  // namespace

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

std::unique_ptr<optim::Optimizer> make_optimizer(const OptimizerConfig& config,
                                                 const optim::NamedParameters& params) {
  optim::NamedParameters rest;
  std::vector<optim::NamedParameters> matched(config.param_groups.size());
  for (const auto& param : params) {
    bool placed = false;
    for (size_t g = 0; g < config.param_groups.size() && !placed; ++g)
      for (const std::string& pattern : config.param_groups[g].params)
        if (matches_pattern(pattern, param.first)) {
          matched[g].push_back(param);
          placed = true;
          break;
        }
    if (!placed) rest.push_back(param);
  }
  std::vector<optim::ParamGroup> groups;
  if (!rest.empty()) groups.emplace_back(std::move(rest));
  for (size_t g = 0; g < matched.size(); ++g) {
    const ParamGroupConfig& group = config.param_groups[g];
    if (matched[g].empty()) {
      std::string names;
      for (const auto& param : params) names += (names.empty() ? "" : ", ") + param.first;
      throw ConfigError(group.where, "param_groups: no parameter matches " +
                                         std::string(group.params.size() > 1 ? "the patterns" : "the pattern") +
                                         " '" + group.params.front() + "'; parameters: " + names);
    }
    groups.emplace_back(std::move(matched[g]), to_option_map(group.options));
  }
  return build(config, std::move(groups));
}

std::unique_ptr<optim::Scheduler> make_scheduler(const ComponentConfig& config,
                                                 optim::Optimizer& optimizer) {
  return located_build({&config.options}, [&] {
    return optim::make_scheduler(config.type, optimizer, to_option_map(config.options));
  });
}

void check_optimizer(const OptimizerConfig& optimizer, const std::optional<ComponentConfig>& scheduler) {
  std::vector<optim::ParamGroup> groups;
  groups.emplace_back(optim::NamedParameters{{"placeholder", Variable(Tensor::zeros({1}), true)}});
  for (size_t g = 0; g < optimizer.param_groups.size(); ++g)
    groups.emplace_back(
        optim::NamedParameters{{"placeholder" + std::to_string(g), Variable(Tensor::zeros({1}), true)}},
        to_option_map(optimizer.param_groups[g].options));
  const auto built = build(optimizer, std::move(groups));
  if (scheduler) make_scheduler(*scheduler, *built);
}

}  // namespace minidl::experiment
