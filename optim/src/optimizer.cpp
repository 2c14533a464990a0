#include "minidl/optim/optimizer.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <set>

#include "minidl/autograd/grad_mode.hpp"
#include "minidl/core/error.hpp"

namespace minidl::optim {
namespace {

constexpr std::string_view kStatePrefix = "state.";
constexpr std::string_view kGroupsKey = "param_groups";

std::string group_key(size_t group, std::string_view what) {
  return std::string(kGroupsKey) + "." + std::to_string(group) + "." + std::string(what);
}

std::string join(const NamedParameters& params) {
  std::string text;
  for (const auto& [name, var] : params) text += (text.empty() ? "" : ",") + name;
  return text;
}

const std::string& metadata_entry(const StateDict& state, const std::string& key,
                                  std::string_view owner) {
  auto it = state.metadata.find(key);
  if (it == state.metadata.end())
    throw ValueError(std::string(owner) + ".load_state_dict: the state has no '" + key + "' entry");
  return it->second;
}

// A checkpoint's step count: a whole number >= 0, stored as int64 (minidl) or float (PyTorch).
int64_t step_count(const Tensor& t, const std::string& key) {
  if (t.numel() != 1)
    throw ShapeError("load_state_dict: " + key + " must hold one value, got shape " +
                     to_string(t.shape()));
  if (t.dtype() == DType::Int64) {
    const int64_t step = t.to_int64_vector()[0];
    if (step < 0)
      throw ValueError("load_state_dict: " + key + " must be a step count >= 0, got " + std::to_string(step));
    return step;
  }
  const double step = t.item();
  // 2^63 is the first float past int64's range: the cast below is defined for what passes.
  if (!(step >= 0.0 && step < 9223372036854775808.0) || std::trunc(step) != step)
    throw ValueError("load_state_dict: " + key + " must be a whole step count >= 0, got " + format_number(step));
  return static_cast<int64_t>(step);
}

}  // namespace

Optimizer::Optimizer(ParamGroups params) : groups_(std::move(params.groups)) {
  if (groups_.empty()) throw ValueError("optimizer got no parameter groups");
  std::set<const VariableImpl*> seen;
  size_t position = 0;
  for (size_t g = 0; g < groups_.size(); ++g) {
    if (groups_[g].params.empty())
      throw ValueError("optimizer got an empty parameter list in group " + std::to_string(g));
    for (size_t i = 0; i < groups_[g].params.size(); ++i, ++position) {
      auto& [name, var] = groups_[g].params[i];
      if (name.empty()) name = std::to_string(position);
      if (!var.defined()) throw ValueError("optimizer: parameter '" + name + "' is undefined");
      if (var.dtype() != DType::Float32)
        throw DTypeError("optimizer: parameter '" + name + "' must be float32, got " +
                         dtype_name(var.dtype()));
      if (!seen.insert(var.impl().get()).second)
        throw ValueError("optimizer: parameter '" + name + "' appears more than once");
      if (!by_name_.emplace(name, Location{g, i}).second)
        throw ValueError("optimizer: two parameters are named '" + name + "'");
    }
    states_.emplace_back(groups_[g].params.size());
  }
}

const NamedParameters& Optimizer::params(size_t group) const {
  if (group >= groups_.size())
    throw IndexError("optimizer: group " + std::to_string(group) + " out of range (" +
                     std::to_string(groups_.size()) + " groups)");
  return groups_[group].params;
}

void Optimizer::step() {
  NoGradGuard no_grad;
  for (size_t g = 0; g < groups_.size(); ++g) {
    for (size_t i = 0; i < groups_[g].params.size(); ++i) {
      auto& [name, var] = groups_[g].params[i];
      const Tensor& grad = var.grad();
      if (!grad.defined()) continue;
      Tensor& value = var.data();
      if (grad.shape() != value.shape())
        throw ShapeError(std::string(this->name()) + ".step: gradient of '" + name +
                         "' has shape " + minidl::to_string(grad.shape()) + ", the parameter " +
                         minidl::to_string(value.shape()));
      check_dtype(grad, DType::Float32, "optimizer step (gradient)");
      if (!value.is_contiguous())
        throw ValueError(std::string(this->name()) + ".step: parameter '" + name +
                         "' is not contiguous");
      ParamState& state = states_[g][i];
      if (state.step() == std::numeric_limits<int64_t>::max())
        throw ValueError(std::string(this->name()) + ".step: parameter '" + name + "' has taken " +
                         std::to_string(state.step()) + " steps, the most an int64 counts");
      state.set_step(state.step() + 1);
      update_parameter(g, state, value, grad.contiguous());
      value.bump_version();
    }
  }
}

void Optimizer::zero_grad(bool set_to_none) {
  for (auto& group : groups_)
    for (auto& [name, var] : group.params) {
      if (set_to_none)
        var.set_grad(Tensor());
      else
        var.zero_grad();
    }
}

double Optimizer::lr(size_t group) const {
  const OptionValue value = option(group, "lr");
  if (!value.is_number())
    throw ValueError(std::string(name()) + ": option lr is not a number: " + value.to_string());
  return *value.number();
}

void Optimizer::set_lr(size_t group, double lr) { set_option(group, "lr", lr); }

void Optimizer::set_lr(double lr) {
  for (size_t g = 0; g < groups_.size(); ++g) set_lr(g, lr);
}

Optimizer::Location Optimizer::locate(std::string_view param_name) const {
  auto it = by_name_.find(param_name);
  if (it == by_name_.end())
    throw ValueError(std::string(name()) + ": no parameter named '" + std::string(param_name) +
                     "'");
  return it->second;
}

const ParamState* Optimizer::state(std::string_view param_name) const {
  const Location at = locate(param_name);
  const ParamState& s = states_[at.group][at.index];
  return s.empty() ? nullptr : &s;
}

StateDict Optimizer::state_dict() const {
  StateDict dict;
  dict.metadata["optimizer"] = std::string(name());
  dict.metadata[std::string(kGroupsKey)] = std::to_string(groups_.size());
  for (size_t g = 0; g < groups_.size(); ++g) {
    dict.metadata[group_key(g, "params")] = join(groups_[g].params);
    for (const auto& [key, value] : group_options(g))
      dict.metadata[group_key(g, key)] = value.to_string();
    for (size_t i = 0; i < groups_[g].params.size(); ++i) {
      const ParamState& s = states_[g][i];
      if (s.empty()) continue;
      const std::string prefix = std::string(kStatePrefix) + groups_[g].params[i].first + ".";
      const int64_t step = s.step();
      dict.insert(prefix + "step", Tensor::from_int64(std::span(&step, 1), Shape{}));
      for (const auto& [buffer, tensor] : s.buffers()) dict.insert(prefix + buffer, tensor);
    }
  }
  return dict;
}

void Optimizer::load_state_dict(const StateDict& state) {
  const std::string owner(name());
  const std::string& type = metadata_entry(state, "optimizer", owner);
  if (type != owner)
    throw ValueError(owner + ".load_state_dict: the state is of a " + type + " optimizer");
  const std::string& count = metadata_entry(state, std::string(kGroupsKey), owner);
  if (count != std::to_string(groups_.size()))
    throw ValueError(owner + ".load_state_dict: the state has " + count +
                     " parameter groups, this optimizer " + std::to_string(groups_.size()));

  // Check and parse everything before changing anything.
  std::vector<OptionMap> options(groups_.size());
  for (size_t g = 0; g < groups_.size(); ++g) {
    const std::string& names = metadata_entry(state, group_key(g, "params"), owner);
    if (names != join(groups_[g].params))
      throw ValueError(owner + ".load_state_dict: group " + std::to_string(g) +
                       " holds parameters [" + names + "] in the state, [" +
                       join(groups_[g].params) + "] here");
    const std::string prefix = group_key(g, "");
    for (auto it = state.metadata.lower_bound(prefix);
         it != state.metadata.end() && it->first.starts_with(prefix); ++it) {
      const std::string key = it->first.substr(prefix.size());
      if (key != "params") options[g].emplace(key, OptionValue::parse(it->second));
    }
  }
  std::vector<std::vector<ParamState>> loaded(groups_.size());
  for (size_t g = 0; g < groups_.size(); ++g) loaded[g].resize(groups_[g].params.size());
  for (const auto& [key, tensor] : state) {
    if (!key.starts_with(kStatePrefix)) continue;
    const std::string_view rest = std::string_view(key).substr(kStatePrefix.size());
    const size_t dot = rest.rfind('.');
    if (dot == std::string_view::npos)
      throw ValueError(owner + ".load_state_dict: malformed state key '" + key + "'");
    const Location at = locate(rest.substr(0, dot));
    const std::string buffer(rest.substr(dot + 1));
    ParamState& s = loaded[at.group][at.index];
    if (buffer == "step") {
      s.set_step(step_count(tensor, key));
      continue;
    }
    const Tensor& param = groups_[at.group].params[at.index].second.data();
    if (tensor.shape() != param.shape())
      throw ShapeError(owner + ".load_state_dict: " + key + " has shape " +
                       minidl::to_string(tensor.shape()) + ", the parameter " +
                       minidl::to_string(param.shape()));
    s.set_buffer(buffer, tensor.to(DType::Float32).clone());
  }
  for (size_t g = 0; g < groups_.size(); ++g) set_options(g, options[g]);
  states_ = std::move(loaded);
}

std::ostream& operator<<(std::ostream& os, const Optimizer& optimizer) {
  return os << optimizer.to_string();
}

}  // namespace minidl::optim
