#include "minidl/nn/module.hpp"

#include <algorithm>
#include <ostream>
#include <set>

#include "minidl/autograd/grad_mode.hpp"
#include "minidl/core/error.hpp"
#include "class_name.hpp"

namespace minidl::nn {

Variable Module::forward_activated(const Variable&, Activation, int64_t) { return Variable(); }
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

std::string Module::name() const { return detail::class_name(typeid(*this)); }

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
  check_new_name("parameter", param_name);
  if (!parameter.defined())
    throw ValueError(name() + ".register_parameter: parameter \"" + param_name + "\" is undefined");
  if (!parameter.is_leaf())
    throw ValueError(name() + ".register_parameter: parameter \"" + param_name +
                     "\" is the result of an op; register a leaf (detach() it)");
  parameters_.emplace_back(std::move(param_name), parameter);
  return parameter;
}

Tensor Module::register_buffer(std::string buffer_name, Tensor buffer) {
  if (buffer_name.empty() || buffer_name.find('.') != std::string::npos)
    throw ValueError(name() + ".register_buffer: name \"" + buffer_name + "\" must be non-empty and contain no '.'");
  check_new_name("buffer", buffer_name);
  if (!buffer.defined())
    throw ValueError(name() + ".register_buffer: buffer \"" + buffer_name + "\" is undefined");
  buffers_.emplace_back(std::move(buffer_name), buffer);
  return buffer;
}

// Parameters, buffers and children share one namespace, as their state_dict names do.
void Module::check_new_name(const std::string& what, const std::string& new_name) const {
  auto taken = [&](const auto& named) {
    return std::any_of(named.begin(), named.end(), [&](const auto& entry) { return entry.first == new_name; });
  };
  const char* kind = taken(parameters_) ? "parameter" : taken(buffers_) ? "buffer" : taken(children_) ? "child module" : nullptr;
  if (kind == nullptr) return;
  if (what == kind) throw ValueError(name() + ": " + what + " \"" + new_name + "\" already exists");
  throw ValueError(name() + ": \"" + new_name + "\" is already a " + kind);
}

void Module::add_child(std::string child_name, std::shared_ptr<Module> child) {
  if (child_name.empty() || child_name.find('.') != std::string::npos)
    throw ValueError(name() + ".register_module: name \"" + child_name +
                     "\" must be non-empty and contain no '.'");
  if (!child) throw ValueError(name() + ".register_module: module \"" + child_name + "\" is null");
  check_new_name("child module", child_name);
  children_.emplace_back(std::move(child_name), std::move(child));
}

void Module::collect_parameters(const std::string& prefix,
                                std::vector<std::pair<std::string, Variable>>& out) const {
  for (const auto& [n, p] : parameters_) out.emplace_back(prefix + n, p);
  for (const auto& [n, child] : children_) child->collect_parameters(prefix + n + ".", out);
}

void Module::collect_buffers(const std::string& prefix, std::vector<std::pair<std::string, Tensor>>& out) const {
  for (const auto& [n, b] : buffers_) out.emplace_back(prefix + n, b);
  for (const auto& [n, child] : children_) child->collect_buffers(prefix + n + ".", out);
}

std::vector<std::pair<std::string, Tensor>> Module::named_buffers() const {
  std::vector<std::pair<std::string, Tensor>> out;
  collect_buffers("", out);
  return out;
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

void Module::collect_state(const std::string& prefix, std::vector<std::pair<std::string, Tensor>>& out) const {
  for (const auto& [n, p] : parameters_) out.emplace_back(prefix + n, p.data());
  for (const auto& [n, b] : buffers_) out.emplace_back(prefix + n, b);
  for (const auto& [n, child] : children_) child->collect_state(prefix + n + ".", out);
}

StateDict Module::state_dict() const {
  std::vector<std::pair<std::string, Tensor>> all;
  collect_state("", all);
  StateDict dict;
  for (const auto& [n, t] : all) dict.insert(n, t);
  return dict;
}

LoadResult Module::load_state_dict(const StateDict& dict, bool strict) {
  std::vector<std::pair<std::string, Tensor>> own;
  collect_state("", own);

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
  for (auto& [n, t] : own)
    if (const Tensor* value = dict.find(n)) t.copy_(*value);
  return result;
}

void Module::set_extra_state(const StateDict& state) {
  if (!state.empty() || !state.metadata.empty())
    throw ValueError(name() + ".set_extra_state: this module has no extra state");
}

StateDict Module::extra_state_dict() const {
  StateDict out = get_extra_state();
  for (const auto& [n, child] : children_) out.merge(child->extra_state_dict(), n + ".");
  return out;
}

void Module::load_extra_state_dict(const StateDict& dict) {
  struct Pending {
    std::string name;
    Module* module;
    StateDict before, loaded;
  };
  std::vector<Pending> pending;
  std::vector<std::string> missing, unexpected;
  std::set<std::string, std::less<>> used;
  for (const auto& [module_name, module] : named_modules()) {
    StateDict before = module->get_extra_state();
    if (before.empty() && before.metadata.empty()) continue;
    const std::string prefix = module_name.empty() ? "" : module_name + ".";
    StateDict loaded;
    for (const auto& [n, _] : before) {
      if (const Tensor* t = dict.find(prefix + n)) loaded.insert(n, *t);
      else missing.push_back(prefix + n);
      used.insert(prefix + n);
    }
    for (const auto& [key, _] : before.metadata) {
      if (auto it = dict.metadata.find(prefix + key); it != dict.metadata.end()) loaded.metadata.emplace(key, it->second);
      else missing.push_back(prefix + key);
      used.insert(prefix + key);
    }
    pending.push_back({module_name, module, before.clone(), std::move(loaded)});
  }
  for (const auto& [n, _] : dict)
    if (!used.contains(n)) unexpected.push_back(n);
  for (const auto& [key, _] : dict.metadata)
    if (!used.contains(key)) unexpected.push_back(key);
  if (!missing.empty() || !unexpected.empty()) {
    std::string msg = "error(s) loading extra state into " + name() + ":";
    if (!missing.empty()) msg += " missing: " + quoted_list(missing) + ";";
    if (!unexpected.empty()) msg += " unexpected: " + quoted_list(unexpected) + ";";
    msg.pop_back();
    throw ValueError(msg);
  }
  // A module that refuses its state undoes the modules restored before it.
  for (size_t i = 0; i < pending.size(); ++i) {
    try {
      pending[i].module->set_extra_state(pending[i].loaded);
    } catch (const ValueError& e) {
      for (size_t j = 0; j < i; ++j) pending[j].module->set_extra_state(pending[j].before);
      const std::string& where = pending[i].name.empty() ? std::string("the root module") : "\"" + pending[i].name + "\"";
      throw ValueError("extra state of " + where + ": " + e.what());
    }
  }
}

std::ostream& operator<<(std::ostream& os, const Module& module) { return os << module.describe(); }

}  // namespace minidl::nn
