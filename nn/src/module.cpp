#include "minidl/nn/module.hpp"

#include <ostream>
#include <set>

#include "minidl/autograd/grad_mode.hpp"
#include "minidl/core/error.hpp"

namespace minidl::nn {
namespace {

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "\"" : ", \"") + n + "\"";
  return out;
}

// Indents every line but the first, as PyTorch's _addindent does for nested reprs.
std::string indent_continuation(const std::string& text, int spaces) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out.append(static_cast<size_t>(spaces), ' ');
  }
  return out;
}

}  // namespace

std::string Module::describe() const {
  std::vector<std::string> lines;
  const std::string extra = extra_repr();
  if (!extra.empty()) lines.push_back(extra);
  for (const auto& [child_name, child] : children_)
    lines.push_back("(" + child_name + "): " + indent_continuation(child->describe(), 2));
  std::string out = name() + "(";
  if (lines.size() == 1 && children_.empty()) {
    out += lines.front();
  } else if (!lines.empty()) {
    for (const auto& line : lines) out += "\n  " + line;
    out += "\n";
  }
  return out + ")";
}

Variable Module::register_parameter(std::string param_name, Variable parameter) {
  if (param_name.empty() || param_name.find('.') != std::string::npos)
    throw ValueError(name() + ".register_parameter: name \"" + param_name +
                     "\" must be non-empty and contain no '.'");
  for (const auto& [n, _] : parameters_)
    if (n == param_name) throw ValueError(name() + ": parameter \"" + param_name + "\" already exists");
  for (const auto& [n, _] : children_)
    if (n == param_name) throw ValueError(name() + ": \"" + param_name + "\" is already a child module");
  if (!parameter.defined())
    throw ValueError(name() + ".register_parameter: parameter \"" + param_name + "\" is undefined");
  if (!parameter.is_leaf())
    throw ValueError(name() + ".register_parameter: parameter \"" + param_name +
                     "\" is the result of an op; register a leaf (detach() it)");
  parameters_.emplace_back(std::move(param_name), parameter);
  return parameter;
}

void Module::add_child(std::string child_name, std::shared_ptr<Module> child) {
  if (child_name.empty() || child_name.find('.') != std::string::npos)
    throw ValueError(name() + ".register_module: name \"" + child_name +
                     "\" must be non-empty and contain no '.'");
  if (!child) throw ValueError(name() + ".register_module: module \"" + child_name + "\" is null");
  for (const auto& [n, _] : children_)
    if (n == child_name) throw ValueError(name() + ": child module \"" + child_name + "\" already exists");
  for (const auto& [n, _] : parameters_)
    if (n == child_name) throw ValueError(name() + ": \"" + child_name + "\" is already a parameter");
  children_.emplace_back(std::move(child_name), std::move(child));
}

void Module::collect_parameters(const std::string& prefix,
                                std::vector<std::pair<std::string, Variable>>& out) const {
  for (const auto& [n, p] : parameters_) out.emplace_back(prefix + n, p);
  for (const auto& [n, child] : children_) child->collect_parameters(prefix + n + ".", out);
}

std::vector<std::pair<std::string, Variable>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Variable>> all;
  collect_parameters("", all);
  // Tied parameters are listed once, so an optimizer never updates one twice per step.
  std::set<const VariableImpl*> seen;
  std::vector<std::pair<std::string, Variable>> unique;
  for (auto& entry : all)
    if (seen.insert(entry.second.impl().get()).second) unique.push_back(std::move(entry));
  return unique;
}

std::vector<Variable> Module::parameters() const {
  std::vector<Variable> out;
  for (auto& [_, p] : named_parameters()) out.push_back(std::move(p));
  return out;
}

std::vector<std::pair<std::string, Module*>> Module::named_modules() {
  std::vector<std::pair<std::string, Module*>> out{{"", this}};
  for (const auto& [n, child] : children_)
    for (const auto& [sub, m] : child->named_modules())
      out.emplace_back(sub.empty() ? n : n + "." + sub, m);
  return out;
}

Module& Module::train(bool on) {
  training_ = on;
  for (const auto& [_, child] : children_) child->train(on);
  return *this;
}

void Module::zero_grad() {
  for (Variable& p : parameters()) p.zero_grad();
}

int64_t Module::num_parameters() const {
  int64_t n = 0;
  for (const Variable& p : parameters()) n += p.numel();
  return n;
}

StateDict Module::state_dict() const {
  std::vector<std::pair<std::string, Variable>> all;
  collect_parameters("", all);
  StateDict dict;
  for (const auto& [n, p] : all) dict.insert(n, p.data());
  return dict;
}

LoadResult Module::load_state_dict(const StateDict& dict, bool strict) {
  std::vector<std::pair<std::string, Variable>> own;
  collect_parameters("", own);

  LoadResult result;
  std::vector<std::string> mismatches;
  std::set<std::string, std::less<>> own_names;
  for (const auto& [n, p] : own) {
    own_names.insert(n);
    const Tensor* value = dict.find(n);
    if (!value) {
      result.missing_keys.push_back(n);
    } else if (value->dtype() != p.dtype()) {
      mismatches.push_back("dtype mismatch for \"" + n + "\": dict has " + dtype_name(value->dtype()) +
                           ", module has " + dtype_name(p.dtype()));
    } else if (!(value->shape() == p.shape())) {
      mismatches.push_back("shape mismatch for \"" + n + "\": dict has " + to_string(value->shape()) +
                           ", module has " + to_string(p.shape()));
    }
  }
  for (const auto& [n, _] : dict)
    if (!own_names.contains(n)) result.unexpected_keys.push_back(n);

  const bool names_fail = strict && (!result.missing_keys.empty() || !result.unexpected_keys.empty());
  if (names_fail || !mismatches.empty()) {
    std::string msg = "error(s) loading state_dict into " + name() + ":";
    if (strict && !result.missing_keys.empty()) msg += "\n  missing: " + quoted_list(result.missing_keys);
    if (strict && !result.unexpected_keys.empty())
      msg += "\n  unexpected: " + quoted_list(result.unexpected_keys);
    for (const auto& m : mismatches) msg += "\n  " + m;
    throw ValueError(msg);
  }

  NoGradGuard no_grad;
  for (auto& [n, p] : own)
    if (const Tensor* value = dict.find(n)) p.data().copy_(*value);
  return result;
}

std::ostream& operator<<(std::ostream& os, const Module& module) { return os << module.describe(); }

}  // namespace minidl::nn
