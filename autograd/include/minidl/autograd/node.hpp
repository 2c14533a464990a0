#pragma once
// Node: one recorded op in the graph — its inputs and how to send a gradient back to them.
// Ops create nodes with record(); see ops/*.cpp for forwards with their backwards.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>

#include "minidl/autograd/grad_mode.hpp"
#include "minidl/autograd/variable.hpp"

namespace minidl {

/// A tensor saved for backward, with the storage version at save time: using it after an
/// in-place change is reported instead of giving a silently wrong gradient.
class SavedTensor {
 public:
  SavedTensor() = default;
  SavedTensor(Tensor t) : tensor_(std::move(t)), version_(tensor_.version()) {}
  /// The saved tensor; throws Error naming `op` if it was modified in place since saving.
  const Tensor& get(const char* op) const;

 private:
  Tensor tensor_;
  uint64_t version_ = 0;
};

class Node {
 public:
  static constexpr int kMaxInputs = 3;
  virtual ~Node() = default;
  virtual const char* name() const = 0;
  /// Computes the gradient of each input that needs one from the output gradient.
  /// grad_inputs[i] is left undefined for inputs that need none.
  virtual void backward(const Tensor& grad_output, std::span<Tensor> grad_inputs) = 0;
  /// Frees saved tensors after a backward without retain_graph.
  virtual void release() = 0;

  /// The differentiable inputs (null where an input needs no gradient).
  std::array<std::shared_ptr<VariableImpl>, kMaxInputs> inputs{};
  int num_inputs = 0;
  bool released = false;
  /// Engine bookkeeping: the gradient flowing into this node, and a visit mark.
  Tensor pending_grad;
  uint64_t visit_mark = 0;

  bool needs_input_grad(int i) const { return inputs[static_cast<size_t>(i)] != nullptr; }
};

/// A node whose backward is a lambda: backward(grad_output, grad_inputs) capturing what it saved.
template <class Backward>
class LambdaNode final : public Node {
 public:
  LambdaNode(const char* name, Backward backward) : name_(name), backward_(std::move(backward)) {}
  const char* name() const override { return name_; }
  void backward(const Tensor& grad_output, std::span<Tensor> grad_inputs) override {
    (*backward_)(grad_output, grad_inputs, *this);
  }
  void release() override { backward_.reset(); }

 private:
  const char* name_;
  std::optional<Backward> backward_;
};

/// True when any of `inputs` requires grad and grad mode is on: the op should record a node.
inline bool should_record(std::initializer_list<const Variable*> inputs) {
  if (!grad_enabled()) return false;
  for (const Variable* v : inputs)
    if (v->requires_grad()) return true;
  return false;
}

/// Wraps `value` as the output of op `name` over `inputs`, recording `backward` when any input
/// requires grad (and grad mode is on); otherwise returns a plain leaf and records nothing.
/// backward is called as backward(grad_output, std::span<Tensor> grad_inputs, const Node&).
template <class Backward>
Variable record(const char* name, Tensor value, std::initializer_list<const Variable*> inputs,
                Backward&& backward) {
  if (!should_record(inputs)) return Variable(std::move(value));
  auto node = std::make_shared<LambdaNode<std::decay_t<Backward>>>(name, std::forward<Backward>(backward));
  int i = 0;
  for (const Variable* v : inputs) {
    if (v->requires_grad()) node->inputs[static_cast<size_t>(i)] = v->impl();
    ++i;
  }
  node->num_inputs = i;
  return Variable::from_node(std::move(value), std::move(node));
}

}  // namespace minidl
