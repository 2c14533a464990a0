// Loss functions. Each checks its inputs, computes the per-element loss, and reduces; the
// classification losses have their own stable forward and closed-form backward.
#include <cmath>
#include <string>

#include "minidl/autograd/loss.hpp"
#include "minidl/autograd/node.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/core/reduction.hpp"

namespace minidl {

using Grads = std::span<Tensor>;

Reduction parse_reduction(std::string_view name) {
  if (name == "mean") return Reduction::Mean;
  if (name == "sum") return Reduction::Sum;
  if (name == "none") return Reduction::None;
  throw ValueError("reduction must be one of mean, sum, none; got '" + std::string(name) + "'");
}

const char* reduction_name(Reduction r) {
  switch (r) {
    case Reduction::Mean: return "mean";
    case Reduction::Sum: return "sum";
    case Reduction::None: return "none";
  }
  return "?";
}

namespace {

Variable reduce(const Variable& v, Reduction r) {
  switch (r) {
    case Reduction::Mean: return mean(v);
    case Reduction::Sum: return sum(v);
    case Reduction::None: return v;
  }
  return v;
}

// The functional losses' errors start with the function's name.
detail::ErrorName function_name(const char* name) {
  return [name] { return std::string(name); };
}

// The name is made only for the error: nn's losses demangle their class for it.
void check_float32(const Tensor& t, const detail::ErrorName& name, const char* role) {
  if (t.dtype() != DType::Float32) check_dtype(t, DType::Float32, (name() + " " + role).c_str());
}

// Element-wise losses take defined float32 input and target of one shape: PyTorch only warns
// when they differ, and the broadcast it then performs ([N, 1] against [N] gives [N, N]) is
// almost always a bug.
void check_same_shape(const Variable& input, const Variable& target, const detail::ErrorName& name) {
  if (!input.defined() || !target.defined()) throw ValueError(name() + ": input and target must be defined");
  check_float32(input.data(), name, "input");
  check_float32(target.data(), name, "target");
  if (input.shape() != target.shape())
    throw ShapeError(name() + ": input shape " + to_string(input.shape()) + " and target shape " +
                     to_string(target.shape()) + " differ");
}

// Classification losses: float32 scores [N, C] and int64 class indices [N], each in [0, C).
void check_class_targets(const Variable& scores, const Tensor& target, const detail::ErrorName& name) {
  if (!scores.defined() || !target.defined()) throw ValueError(name() + ": input and target must be defined");
  check_float32(scores.data(), name, "input");
  if (target.dtype() != DType::Int64)
    throw DTypeError(name() + ": target must hold int64 class indices, got " + dtype_name(target.dtype()));
  if (scores.dim() != 2 || target.dim() != 1 || target.size(0) != scores.size(0))
    throw ShapeError(name() + ": expected input [N, C] and target [N], got input " +
                     to_string(scores.shape()) + " and target " + to_string(target.shape()));
  const Tensor t = target.contiguous();
  const int64_t* idx = t.data<int64_t>();
  const int64_t classes = scores.size(1);
  for (int64_t i = 0; i < t.numel(); ++i)
    if (idx[i] < 0 || idx[i] >= classes)
      throw IndexError(name() + ": target[" + std::to_string(i) + "] = " + std::to_string(idx[i]) +
                       " is out of range for " + std::to_string(classes) + " classes");
}

// The per-sample factor the output gradient contributes: g_i, g (sum) or g / N (mean).
float sample_grad(const Tensor& g, Reduction r, int64_t i, int64_t n) {
  if (r == Reduction::None) return g.data<float>()[i * g.strides()[0]];
  const float v = g.item();
  return r == Reduction::Mean ? v / static_cast<float>(n) : v;
}

// Reduces a per-sample loss vector [N] in double for a stable mean/sum.
Tensor reduce_samples(const std::vector<float>& per_sample, Reduction r) {
  const auto n = static_cast<int64_t>(per_sample.size());
  if (r == Reduction::None) return Tensor::from(per_sample, {n});
  double total = 0;
  for (float v : per_sample) total += v;
  if (r == Reduction::Mean) total /= static_cast<double>(n);
  return Tensor::scalar(static_cast<float>(total));
}

}  // namespace

Variable mse_loss(const Variable& input, const Variable& target, Reduction r) {
  return detail::mse_loss(input, target, r, function_name("mse_loss"));
}

Variable l1_loss(const Variable& input, const Variable& target, Reduction r) {
  return detail::l1_loss(input, target, r, function_name("l1_loss"));
}

Variable huber_loss(const Variable& input, const Variable& target, Reduction r, float delta) {
  return detail::huber_loss(input, target, r, delta, function_name("huber_loss"));
}

Variable binary_cross_entropy_with_logits(const Variable& logits, const Variable& target, Reduction r) {
  return detail::binary_cross_entropy_with_logits(logits, target, r, function_name("binary_cross_entropy_with_logits"));
}

Variable cross_entropy(const Variable& logits, const Tensor& target, Reduction r) {
  return detail::cross_entropy(logits, target, r, function_name("cross_entropy"));
}

Variable nll_loss(const Variable& log_probs, const Tensor& target, Reduction r) {
  return detail::nll_loss(log_probs, target, r, function_name("nll_loss"));
}

namespace detail {

// One node, as PyTorch's MseLossBackward: the difference is kept for backward, and the
// squares and their reduction are core's, so the loss has the bits of mean((x - t)^2) as ops.
// Each gradient element is (g * d) * 2 with g already divided by N for a mean, in the order of
// the chain of ops it replaces, so a run trains to the same bits as before.
Variable mse_loss(const Variable& input, const Variable& target, Reduction r, const ErrorName& name) {
  check_same_shape(input, target, name);
  const Tensor diff = minidl::sub(input.data(), target.data());
  const Tensor squares = minidl::mul(diff, diff);
  Tensor loss = r == Reduction::Mean ? minidl::mean(squares) : r == Reduction::Sum ? minidl::sum(squares) : squares;
  return record("MseLoss", std::move(loss), {&input, &target}, [diff, r](const Tensor& g, Grads gi, const Node& n) {
    const int64_t count = diff.numel();
    Tensor grad = Tensor::empty(diff.shape());
    const float* d = diff.data<float>();
    float* out = grad.data<float>();
    if (r == Reduction::None) {
      const Tensor gc = g.contiguous();
      const float* pg = gc.data<float>();
      for (int64_t i = 0; i < count; ++i) out[i] = (pg[i] * d[i]) * 2.0f;
    } else {
      const float scale = r == Reduction::Mean ? g.item() / static_cast<float>(count) : g.item();
      for (int64_t i = 0; i < count; ++i) out[i] = (scale * d[i]) * 2.0f;
    }
    if (n.needs_input_grad(1)) gi[1] = minidl::neg(grad);
    if (n.needs_input_grad(0)) gi[0] = std::move(grad);
  });
}

Variable l1_loss(const Variable& input, const Variable& target, Reduction r, const ErrorName& name) {
  check_same_shape(input, target, name);
  return reduce(abs(input - target), r);
}

Variable huber_loss(const Variable& input, const Variable& target, Reduction r, float delta, const ErrorName& name) {
  check_same_shape(input, target, name);
  if (!(delta > 0)) throw ValueError(name() + ": delta must be positive, got " + std::to_string(delta));
  const Tensor diff = minidl::sub(input.data(), target.data()).contiguous();
  Tensor loss = Tensor::empty(diff.shape());
  Tensor dloss = Tensor::empty(diff.shape());  // d loss / d input
  const float* d = diff.data<float>();
  float* l = loss.data<float>();
  float* dl = dloss.data<float>();
  for (int64_t i = 0, n = diff.numel(); i < n; ++i) {
    const float ad = std::fabs(d[i]);
    if (ad < delta) {
      l[i] = 0.5f * d[i] * d[i];
      dl[i] = d[i];
    } else {
      l[i] = delta * (ad - 0.5f * delta);
      dl[i] = d[i] > 0 ? delta : -delta;
    }
  }
  Variable per_element = record("HuberLoss", loss, {&input, &target},
                                [dloss](const Tensor& g, Grads gi, const Node& n) {
                                  const Tensor gd = minidl::mul(g, dloss);
                                  if (n.needs_input_grad(0)) gi[0] = gd;
                                  if (n.needs_input_grad(1)) gi[1] = minidl::neg(gd);
                                });
  return reduce(per_element, r);
}

Variable binary_cross_entropy_with_logits(const Variable& logits, const Variable& target, Reduction r,
                                          const ErrorName& name) {
  check_same_shape(logits, target, name);
  const Tensor x = logits.data().contiguous(), t = target.data().contiguous();
  Tensor loss = Tensor::empty(x.shape());
  const float* px = x.data<float>();
  const float* pt = t.data<float>();
  float* pl = loss.data<float>();
  // max(x, 0) - x t + log(1 + exp(-|x|)): never exponentiates a positive number. The first
  // two terms nearly cancel when t is near 1; in double they are exact (x t has 48 bits), so
  // the loss is rounded once whether or not the compiler fuses them into an fma.
  for (int64_t i = 0, n = x.numel(); i < n; ++i) {
    const double xi = px[i];
    pl[i] = static_cast<float>(std::max(xi, 0.0) - xi * pt[i] + std::log1p(std::exp(-std::fabs(px[i]))));
  }
  Variable per_element = record("BinaryCrossEntropyWithLogits", loss, {&logits, &target},
                                [sx = SavedTensor(x), st = SavedTensor(t)](const Tensor& g, Grads gi, const Node& n) {
                                  const Tensor& xv = sx.get("BinaryCrossEntropyWithLogits");
                                  if (n.needs_input_grad(0))
                                    gi[0] = minidl::mul(g, minidl::sub(minidl::sigmoid(xv), st.get("BinaryCrossEntropyWithLogits")));
                                  if (n.needs_input_grad(1)) gi[1] = minidl::neg(minidl::mul(g, xv));
                                });
  return reduce(per_element, r);
}

Variable cross_entropy(const Variable& logits, const Tensor& target, Reduction r, const ErrorName& name) {
  check_class_targets(logits, target, name);
  const Tensor logp = minidl::log_softmax(logits.data(), 1).contiguous();
  const Tensor idx = target.contiguous();
  const int64_t n = logp.size(0), c = logp.size(1);
  std::vector<float> per_sample(static_cast<size_t>(n));
  const float* lp = logp.data<float>();
  const int64_t* t = idx.data<int64_t>();
  for (int64_t i = 0; i < n; ++i) per_sample[static_cast<size_t>(i)] = -lp[i * c + t[i]];
  return record("CrossEntropy", reduce_samples(per_sample, r), {&logits},
                [logp, idx, r](const Tensor& g, Grads gi, const Node&) {
                  // d/dx = (softmax(x) - onehot(t)) * g_i
                  const int64_t rows = logp.size(0), cols = logp.size(1);
                  Tensor grad = minidl::exp(logp);
                  float* pg = grad.data<float>();
                  const int64_t* ti = idx.data<int64_t>();
                  for (int64_t i = 0; i < rows; ++i) {
                    const float gs = sample_grad(g, r, i, rows);
                    float* row = pg + i * cols;
                    row[ti[i]] -= 1.0f;
                    for (int64_t j = 0; j < cols; ++j) row[j] *= gs;
                  }
                  gi[0] = grad;
                });
}

Variable nll_loss(const Variable& log_probs, const Tensor& target, Reduction r, const ErrorName& name) {
  check_class_targets(log_probs, target, name);
  const Tensor lp = log_probs.data().contiguous();
  const Tensor idx = target.contiguous();
  const int64_t n = lp.size(0), c = lp.size(1);
  std::vector<float> per_sample(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    per_sample[static_cast<size_t>(i)] = -lp.data<float>()[i * c + idx.data<int64_t>()[i]];
  return record("NllLoss", reduce_samples(per_sample, r), {&log_probs},
                [idx, n, c, r](const Tensor& g, Grads gi, const Node&) {
                  Tensor grad = Tensor::zeros({n, c});
                  float* pg = grad.data<float>();
                  const int64_t* ti = idx.data<int64_t>();
                  for (int64_t i = 0; i < n; ++i) pg[i * c + ti[i]] = -sample_grad(g, r, i, n);
                  gi[0] = grad;
                });
}

}  // namespace detail

}  // namespace minidl
