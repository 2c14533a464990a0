#include "minidl/optim/scheduler.hpp"

#include <charconv>
#include <limits>

#include "minidl/core/error.hpp"

namespace minidl::optim {
namespace {

constexpr std::string_view kOptionsPrefix = "scheduler.options.";

const std::string& entry(const StateDict& state, const std::string& key, std::string_view owner) {
  auto it = state.metadata.find(key);
  if (it == state.metadata.end())
    throw ValueError(std::string(owner) + ".load_state_dict: the state has no '" + key + "' entry");
  return it->second;
}

}  // namespace

Scheduler::Scheduler(Optimizer& optimizer) : optimizer_(&optimizer) {
  for (size_t g = 0; g < optimizer.num_param_groups(); ++g) base_lrs_.push_back(optimizer.lr(g));
}

void Scheduler::apply() {
  for (size_t g = 0; g < base_lrs_.size(); ++g)
    optimizer_->set_lr(g, schedule(last_epoch_, base_lrs_[g]));
}

void Scheduler::step() {
  if (last_epoch_ == std::numeric_limits<int64_t>::max())
    throw ValueError(std::string(name()) + ".step: last_epoch is " + std::to_string(last_epoch_) +
                     ", the most an int64 counts");
  ++last_epoch_;
  apply();
}

std::vector<double> Scheduler::get_last_lr() const {
  std::vector<double> lrs;
  for (size_t g = 0; g < base_lrs_.size(); ++g) lrs.push_back(optimizer_->lr(g));
  return lrs;
}

StateDict Scheduler::state_dict() const {
  StateDict dict;
  dict.metadata["scheduler"] = std::string(name());
  dict.metadata["scheduler.last_epoch"] = std::to_string(last_epoch_);
  dict.metadata["scheduler.base_lrs"] = OptionValue(base_lrs_).to_string();
  for (const auto& [key, value] : options_map())
    dict.metadata[std::string(kOptionsPrefix) + key] = value.to_string();
  return dict;
}

void Scheduler::load_state_dict(const StateDict& state) {
  const std::string owner(name());
  if (const std::string& type = entry(state, "scheduler", owner); type != owner)
    throw ValueError(owner + ".load_state_dict: the state is of a " + type + " scheduler");

  const std::string& epoch_text = entry(state, "scheduler.last_epoch", owner);
  const std::optional<int64_t> epoch = parse_integer<int64_t>(epoch_text, 0);
  if (!epoch)
    throw ValueError(owner +
                     ".load_state_dict: scheduler.last_epoch must be an integer >= 0, got '" +
                     epoch_text + "'");

  const OptionValue lrs =
      OptionValue::parse(entry(state, "scheduler.base_lrs", owner));
  if (!lrs.is_list() || std::get<std::vector<double>>(lrs.get()).size() != base_lrs_.size())
    throw ValueError(owner + ".load_state_dict: scheduler.base_lrs must list " +
                     std::to_string(base_lrs_.size()) + " learning rates, got " + lrs.to_string());

  OptionMap options;
  for (auto it = state.metadata.lower_bound(std::string(kOptionsPrefix));
       it != state.metadata.end() && it->first.starts_with(kOptionsPrefix); ++it)
    options.emplace(it->first.substr(kOptionsPrefix.size()),
                    OptionValue::parse(it->second));
  set_options(options);
  last_epoch_ = *epoch;
  base_lrs_ = std::get<std::vector<double>>(lrs.get());
  apply();
}

std::ostream& operator<<(std::ostream& os, const Scheduler& scheduler) {
  return os << scheduler.to_string();
}

}  // namespace minidl::optim
