#pragma once
// Module: the base of every layer and model — named parameters, buffers and child modules,
// training mode, state_dict load/save and extra state, with PyTorch's naming and semantics.
#include <concepts>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "minidl/nn/scores.hpp"
#include "minidl/autograd/variable.hpp"
#include "minidl/core/activation.hpp"
#include "minidl/nn/state_dict.hpp"

namespace minidl::nn {

/// What a non-strict load_state_dict did not match (PyTorch's _IncompatibleKeys).
struct LoadResult {
  /// Module entries the dict did not provide (left unchanged).
  std::vector<std::string> missing_keys;
  /// Dict entries the module has no place for (ignored).
  std::vector<std::string> unexpected_keys;
};

/// Base class of layers and models. Parameters, buffers and children keep their registration
/// order, which fixes the order of parameters(), named_parameters() and state_dict().
/// Modules move but do not copy: a copy would silently share parameters.
class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  Module(Module&&) noexcept = default;
  Module& operator=(Module&&) noexcept = default;

  /// The computation of this module.
  virtual Variable forward(const Variable& input) = 0;
  /// Same as forward(input): `net(x)`.
  Variable operator()(const Variable& input) { return forward(input); }

  /// The activation this module computes, when the module before it may apply it to its own
  /// output as it writes it (Sigmoid, ReLU); Activation::None for every other module.
  virtual Activation fusable_activation() const { return Activation::None; }
  /// The k of the k x k average pool with stride k and no padding this module computes, when the
  /// layer and activation before it may pool their own output (AvgPool2d); 1 for every other module.
  virtual int64_t fusable_average_pool() const { return 1; }
  /// What this module's outputs are: Probabilities for Softmax and Sigmoid, LogProbabilities for
  /// LogSoftmax, a container's last child's, Unknown for every other module.
  virtual Scores outputs() const { return Scores::Unknown; }
  /// The fewest samples a training batch must hold when each of this module's input samples has
  /// shape `sample`: 2 where training takes statistics over the batch that one sample cannot give
  /// (BatchNorm over one value per channel), 1 for every other module. A config's batches are
  /// checked against it before training.
  virtual int64_t min_training_batch(const Shape& /*sample*/) const { return 1; }
  /// activation(forward(input)), then averaged over average_pool x average_pool windows when
  /// that is > 1, in one op with the same bits as the modules one after the other, where this
  /// module can (Conv2d; BatchNorm without a pool); an undefined Variable where it cannot.
  /// Sequential runs a layer and the activation (and average pool) after it this way.
  virtual Variable forward_activated(const Variable& input, Activation activation, int64_t average_pool);

  /// The type name, as PyTorch prints it: "Linear", "ReLU", "Sequential". By default the
  /// class's own name, as PyTorch's type(self).__name__; override it to print another.
  virtual std::string name() const;
  /// The constructor arguments shown inside the parentheses: "in_features=64, ...".
  virtual std::string extra_repr() const { return {}; }
  /// PyTorch's repr: "Linear(in_features=64, out_features=128, bias=True)", children
  /// listed one per line as "(0): ..." for containers.
  std::string describe() const;

  /// Registers a parameter under `name` (no dots; unique within this module) and returns
  /// it. It must be a defined leaf; its requires_grad is kept (false freezes it).
  Variable register_parameter(std::string name, Variable parameter);
  /// Registers a buffer under `name` (no dots; unique within this module) and returns it: a
  /// tensor that is state but not trained, such as BatchNorm's running_mean. It is in
  /// state_dict() under its name, as in PyTorch, and not in parameters(). load_state_dict
  /// copies into it in place, so the module's own handle sees the loaded values.
  Tensor register_buffer(std::string name, Tensor buffer);
  /// Registers a child under `name`; its parameters appear as "name.<param>".
  template <std::derived_from<Module> M>
  std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> module) {
    add_child(std::move(name), module);
    return module;
  }

  /// All parameters, own first, then each child's in registration order; a parameter
  /// registered twice (tied weights) appears once.
  std::vector<Variable> parameters() const;
  /// The same with hierarchical names: "0.weight", "encoder.fc1.bias".
  std::vector<std::pair<std::string, Variable>> named_parameters() const;
  /// All buffers with hierarchical names ("0.running_mean"), own first, then each child's.
  std::vector<std::pair<std::string, Tensor>> named_buffers() const;
  /// Direct children in registration order.
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const {
    return children_;
  }
  /// This module (named "") and every descendant, depth first, with hierarchical names.
  std::vector<std::pair<std::string, Module*>> named_modules();

  /// Sets training mode here and in every descendant (Dropout reads it); returns *this.
  Module& train(bool on = true);
  /// train(false).
  Module& eval() { return train(false); }
  bool is_training() const { return training_; }
  /// Zeroes every parameter's gradient in place (parameters without one are skipped).
  void zero_grad();
  /// Number of parameter elements (each tied parameter counted once).
  int64_t num_parameters() const;

  /// Every parameter and buffer under its hierarchical name (tied ones under each of their
  /// names): each module's parameters, then its buffers, then its children's, as in PyTorch.
  /// The tensors share storage with the module: clone them for a snapshot.
  StateDict state_dict() const;
  /// Copies `dict` into the parameters and buffers in place (under no-grad), after checking
  /// everything first, so a failed load changes nothing. Wrong shapes or dtypes always throw.
  /// With `strict`, missing or unexpected names throw too, all named in one ValueError;
  /// without it they are returned.
  LoadResult load_state_dict(const StateDict& dict, bool strict = true);

  /// State of this module alone that is neither a parameter nor a buffer (PyTorch's
  /// get_extra_state), e.g. a Dropout's generator: tensors and metadata under names of the
  /// module's choosing. Empty by default. Checkpoints save it; state_dict() and weights
  /// files do not, so they stay what PyTorch writes for the same model.
  virtual StateDict get_extra_state() const { return {}; }
  /// Restores what get_extra_state() returned; it receives exactly the names that
  /// get_extra_state() has now. Throws ValueError, changing nothing, for a state it cannot take.
  virtual void set_extra_state(const StateDict& state);
  /// Every module's extra state, names prefixed with the module's hierarchical name and a dot
  /// ("1.generator"; the root module's own names unprefixed).
  StateDict extra_state_dict() const;
  /// Restores extra_state_dict(). Names a module does not have or misses throw ValueError
  /// (all named) before any module changes.
  void load_extra_state_dict(const StateDict& dict);

 private:
  void add_child(std::string name, std::shared_ptr<Module> child);
  void collect_parameters(const std::string& prefix,
                          std::vector<std::pair<std::string, Variable>>& out) const;

  void collect_buffers(const std::string& prefix, std::vector<std::pair<std::string, Tensor>>& out) const;
  // Parameters (their data) and buffers in state_dict order.
  void collect_state(const std::string& prefix, std::vector<std::pair<std::string, Tensor>>& out) const;
  void check_new_name(const std::string& what, const std::string& new_name) const;

  std::vector<std::pair<std::string, Variable>> parameters_;
  std::vector<std::pair<std::string, Tensor>> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

/// Prints module.describe().
std::ostream& operator<<(std::ostream& os, const Module& module);

}  // namespace minidl::nn
