// The backward engine: a topological walk of the recorded graph from one output, running each
// node once and accumulating gradients into nodes' pending gradients and leaves' .grad.
#include <algorithm>
#include <array>
#include <cstddef>
#include <memory_resource>
#include <span>
#include <string>
#include <vector>

#include "minidl/autograd/node.hpp"
#include "minidl/core/elementwise.hpp"

namespace minidl {

const Tensor& SavedTensor::get(const char* op) const {
  if (tensor_.version() != version_)
    throw Error(std::string(op) + " backward: a value it saved for the gradient was modified in place after "
                "the forward (version " + std::to_string(version_) + " -> " + std::to_string(tensor_.version()) +
                "); clone it before changing it, or change it under NoGradGuard after backward");
  return tensor_;
}

namespace {

// Adds g into a leaf's .grad. An empty .grad takes g itself only when nothing else can see
// g's storage and g is dense; otherwise a copy, so later in-place accumulation (and zero_grad)
// never writes through an alias (a gradient passed to two inputs, an expanded view, a caller's
// tensor).
void accumulate_leaf(Tensor& grad, Tensor&& g) {
  if (!grad.defined()) {
    grad = (g.storage().use_count() == 1 && g.is_contiguous()) ? std::move(g) : g.clone();
  } else {
    grad.add_(g);
  }
}

// Adds g into a node's pending gradient, which lives only until that node runs: the first
// contribution is kept as it is (even an alias), later ones are added out of place.
void accumulate_pending(Tensor& pending, Tensor&& g) {
  pending = pending.defined() ? minidl::add(pending, g) : std::move(g);
}

// Nodes reachable from root in an order where every node comes after all nodes that feed
// gradient into it (reverse post-order of the DFS over inputs). `post` and the DFS stack take
// their memory from `arena`: a backward over a small graph (a training step of a small model)
// then allocates nothing for its walk.
std::pmr::vector<Node*> topological_order(Node* root, std::pmr::memory_resource* arena) {
  std::pmr::vector<Node*> post(arena);
  post.reserve(32);
  std::pmr::vector<std::pair<Node*, int>> stack(arena);
  stack.reserve(32);
  stack.emplace_back(root, 0);
  root->visit_mark = 1;
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->num_inputs) {
      const auto& input = node->inputs[static_cast<size_t>(next++)];
      Node* child = input ? input->grad_fn.get() : nullptr;
      if (child && child->visit_mark == 0) {
        child->visit_mark = 1;
        stack.emplace_back(child, 0);
      }
    } else {
      post.push_back(node);
      stack.pop_back();
    }
  }
  for (Node* n : post) n->visit_mark = 0;
  std::reverse(post.begin(), post.end());
  return post;
}

// Calls a leaf's grad-ready hooks with its final gradient.
void report_grad_ready(VariableImpl& leaf) {
  leaf.grad_arrived = false;
  const auto hooks = leaf.grad_ready_hooks;  // a copy: a hook may remove hooks
  for (const auto& [id, hook] : hooks) hook(leaf.grad);
}

// The leaves with grad-ready hooks that a backward over `order` feeds, each with its count of
// uses in the graph: when the last node using it has run, its gradient is final. The counts are
// cleared however the backward ends, so a failed backward leaves none behind.
class HookedLeaves {
 public:
  explicit HookedLeaves(std::span<Node* const> order) {
    for (Node* node : order)
      for (int i = 0; i < node->num_inputs; ++i) {
        VariableImpl* input = node->inputs[static_cast<size_t>(i)].get();
        if (!input || input->grad_fn || input->grad_ready_hooks.empty()) continue;
        if (input->pending_uses++ == 0) leaves_.push_back(input);
      }
  }
  ~HookedLeaves() {
    for (VariableImpl* leaf : leaves_) {
      leaf->pending_uses = 0;
      leaf->grad_arrived = false;
    }
  }
  HookedLeaves(const HookedLeaves&) = delete;
  HookedLeaves& operator=(const HookedLeaves&) = delete;

  /// `node` has run (or had no gradient to send): its uses of hooked leaves are done.
  void node_done(const Node& node) const {
    if (leaves_.empty()) return;
    for (int i = 0; i < node.num_inputs; ++i) {
      VariableImpl* input = node.inputs[static_cast<size_t>(i)].get();
      if (!input || input->pending_uses == 0) continue;
      if (--input->pending_uses == 0 && input->grad_arrived) report_grad_ready(*input);
    }
  }

 private:
  std::vector<VariableImpl*> leaves_;
};

void run_backward(const VariableImpl& root, const Tensor& grad, bool retain_graph) {
  if (!root.requires_grad)
    throw Error("backward: this value does not require grad (none of the values it was computed from "
                "requires grad, or it was computed under NoGradGuard)");
  if (grad.shape() != root.value.shape())
    throw ShapeError("backward: gradient of shape " + to_string(grad.shape()) + " for a value of shape " +
                     to_string(root.value.shape()));
  if (!root.grad_fn) {
    auto& leaf = const_cast<VariableImpl&>(root);
    accumulate_leaf(leaf.grad, Tensor(grad));
    if (!leaf.grad_ready_hooks.empty()) report_grad_ready(leaf);
    return;
  }
  // Room for the walk of a graph of up to 32 nodes on the stack; larger graphs go on to the heap.
  std::array<std::byte, 32 * (sizeof(Node*) + sizeof(std::pair<Node*, int>))> walk_memory;
  std::pmr::monotonic_buffer_resource arena(walk_memory.data(), walk_memory.size());
  const std::pmr::vector<Node*> order = topological_order(root.grad_fn.get(), &arena);
  const HookedLeaves hooked(order);
  accumulate_pending(root.grad_fn->pending_grad, Tensor(grad));
  std::array<Tensor, Node::kMaxInputs> grads;
  for (Node* node : order) {
    if (node->released)
      throw Error(std::string("backward: trying to backward through the graph a second time (") + node->name() +
                  " was already freed); pass retain_graph=true to the first backward to keep it");
    Tensor g = std::move(node->pending_grad);
    node->pending_grad.reset();
    if (!g.defined()) {
      hooked.node_done(*node);
      continue;
    }
    node->backward(g, std::span<Tensor>(grads.data(), static_cast<size_t>(node->num_inputs)));
    for (int i = 0; i < node->num_inputs; ++i) {
      const auto& input = node->inputs[static_cast<size_t>(i)];
      Tensor& gi = grads[static_cast<size_t>(i)];
      if (!input || !gi.defined()) continue;
      if (gi.shape() != input->value.shape())
        throw ShapeError(std::string("backward of ") + node->name() + ": gradient for input " + std::to_string(i) +
                         " has shape " + to_string(gi.shape()) + ", expected " + to_string(input->value.shape()));
      if (input->grad_fn) accumulate_pending(input->grad_fn->pending_grad, std::move(gi));
      else {
        accumulate_leaf(input->grad, std::move(gi));
        input->grad_arrived = input->pending_uses > 0;
      }
    }
    for (Tensor& t : grads) t.reset();
    hooked.node_done(*node);
    if (!retain_graph) {
      node->release();
      node->released = true;
    }
  }
}

}  // namespace

void Variable::backward(bool retain_graph) const {
  if (numel() != 1)
    throw ShapeError("backward: grad can be implicitly created only for a single-element value, got shape " +
                     to_string(shape()) + "; pass a gradient of that shape");
  backward(Tensor::ones(shape()), retain_graph);
}

void Variable::backward(const Tensor& grad, bool retain_graph) const {
  if (!defined()) throw Error("backward: the variable is undefined");
  NoGradGuard no_grad;  // backward computations are never recorded
  run_backward(*impl_, grad, retain_graph);
}

}  // namespace minidl
