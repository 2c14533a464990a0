#pragma once
// Sequential: runs its children in order, each one's output feeding the next.
#include <concepts>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

#include "minidl/nn/module.hpp"

namespace minidl::nn {

/// A chain of modules named "0", "1", ... as in PyTorch, so its parameters are "0.weight",
/// "2.bias", ... Built from module values, `Sequential net{Linear(64, 128), ReLU()}`, or
/// grown at run time with push_back.
class Sequential : public Module {
 public:
  Sequential() = default;
  /// Takes each argument: a module value (moved into the chain) or a shared_ptr to one.
  /// (A lone Sequential argument is a move, not nesting.)
  template <class... Modules>
    requires(sizeof...(Modules) > 1 || (!std::same_as<std::remove_cvref_t<Modules>, Sequential> && ...))
  explicit Sequential(Modules&&... modules) {
    (push_back(std::forward<Modules>(modules)), ...);
  }

  /// Appends a module (shared, not copied) under the next index.
  Sequential& push_back(std::shared_ptr<Module> module);
  /// Appends a module value, moved into the chain.
  template <class M>
    requires std::derived_from<std::remove_cvref_t<M>, Module>
  Sequential& push_back(M&& module) {
    return push_back(std::make_shared<std::remove_cvref_t<M>>(std::forward<M>(module)));
  }

  /// Runs every child in order; the identity when empty. A child followed by an activation it
  /// can apply to its own output (Conv2d then Sigmoid or ReLU) runs the pair as one op, with the
  /// same results.
  Variable forward(const Variable& input) override;
  Scores outputs() const override;

  size_t size() const { return named_children().size(); }
  bool empty() const { return named_children().empty(); }
  /// The i-th module; throws IndexError when i >= size().
  Module& operator[](size_t i) const;
  /// The i-th module as its concrete type; throws IndexError or ValueError (wrong type).
  template <std::derived_from<Module> M>
  M& at(size_t i) const {
    auto* m = dynamic_cast<M*>(&(*this)[i]);
    if (!m) throw_wrong_type(i);
    return *m;
  }

 private:
  [[noreturn]] void throw_wrong_type(size_t i) const;
};

}  // namespace minidl::nn
