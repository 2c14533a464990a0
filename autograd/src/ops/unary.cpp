// Elementwise functions and activations, each forward followed by its backward.
#include "minidl/autograd/node.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/core/activation.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/core/parallel.hpp"
#include "minidl/core/reduction.hpp"

namespace minidl {

using Grads = std::span<Tensor>;

namespace {

// A backward that combines the output gradient g with a saved tensor s of its shape element by
// element, f(g[i], s[i]), in one pass; `passes` (the same arithmetic as separate elementwise
// ops) covers a g of another shape or a strided s. Separate ops cost a pass and a temporary each.
template <class F, class Passes>
Tensor one_pass_backward(const Tensor& g, const Tensor& s, F f, Passes passes) {
  if (g.shape() != s.shape() || !s.is_contiguous()) return passes();
  const Tensor gc = g.contiguous();
  Tensor out = Tensor::empty(s.shape());
  const float* gp = gc.data<float>();
  const float* sp = s.data<float>();
  float* op = out.data<float>();
  parallel_for(out.numel(), kGrainSize, [=](int64_t b, int64_t e) {
    const F local = f;  // read through the closure, a captured float could alias op[i]
    for (int64_t i = b; i < e; ++i) op[i] = local(gp[i], sp[i]);
  });
  return out;
}

}  // namespace

Variable exp(const Variable& a) {
  Tensor out = minidl::exp(a.data());
  return record("Exp", out, {&a}, [so = SavedTensor(out)](const Tensor& g, Grads gi, const Node&) {
    gi[0] = minidl::mul(g, so.get("Exp"));
  });
}

Variable log(const Variable& a) {
  return record("Log", minidl::log(a.data()), {&a}, [sa = SavedTensor(a.data())](const Tensor& g, Grads gi, const Node&) {
    gi[0] = minidl::div(g, sa.get("Log"));
  });
}

Variable sqrt(const Variable& a) {
  Tensor out = minidl::sqrt(a.data());
  return record("Sqrt", out, {&a}, [so = SavedTensor(out)](const Tensor& g, Grads gi, const Node&) {
    gi[0] = minidl::div(g, minidl::mul(so.get("Sqrt"), 2.0f));
  });
}

Variable abs(const Variable& a) {
  return record("Abs", minidl::abs(a.data()), {&a}, [sa = SavedTensor(a.data())](const Tensor& g, Grads gi, const Node&) {
    gi[0] = minidl::mul(g, minidl::sign(sa.get("Abs")));
  });
}

Variable relu(const Variable& a) {
  Tensor out = minidl::relu(a.data());
  return record("Relu", out, {&a}, [so = SavedTensor(out)](const Tensor& g, Grads gi, const Node&) {
    // g * (y > 0): mlp_large's two ReLUs were a mask pass and a multiply pass each per step.
    const Tensor& y = so.get("Relu");
    gi[0] = one_pass_backward(
        g, y, [](float gv, float yv) { return gv * activation_slope(Activation::ReLU, yv); },
        [&] { return minidl::mul(g, minidl::gt(y, 0.0f)); });
  });
}

Variable clamp(const Variable& a, float low, float high) {
  return record("Clamp", minidl::clamp(a.data(), low, high), {&a},
                [sa = SavedTensor(a.data()), low, high](const Tensor& g, Grads gi, const Node&) {
                  // Both bounds pass the gradient, NaN does not, and low > high passes none: torch's clamp_backward.
                  const Tensor& av = sa.get("Clamp");
                  const Tensor inside = minidl::mul(minidl::ge(av, Tensor::scalar(low)), minidl::le(av, Tensor::scalar(high)));
                  gi[0] = minidl::mul(g, inside);
                });
}

Variable leaky_relu(const Variable& a, float negative_slope) {
  return record("LeakyRelu", minidl::leaky_relu(a.data(), negative_slope), {&a},
                [sa = SavedTensor(a.data()), negative_slope](const Tensor& g, Grads gi, const Node&) {
                  // g where x > 0, g * slope elsewhere (torch's leaky_relu_backward), in one pass.
                  const Tensor& x = sa.get("LeakyRelu");
                  const auto slope_where_not_positive = [negative_slope](float gv, float xv) {
                    const float scaled = gv * negative_slope;
                    return xv > 0.0f ? gv : scaled;
                  };
                  gi[0] = one_pass_backward(g, x, slope_where_not_positive, [&] {
                    return minidl::where(minidl::gt(x, 0.0f), g, minidl::mul(g, negative_slope));
                  });
                });
}

Variable sigmoid(const Variable& a) {
  Tensor out = minidl::sigmoid(a.data());
  return record("Sigmoid", out, {&a}, [so = SavedTensor(out)](const Tensor& g, Grads gi, const Node&) {
    // g * (s * (1 - s)): three passes and two temporaries over LeNet's largest activations before.
    const Tensor& y = so.get("Sigmoid");
    gi[0] = one_pass_backward(
        g, y, [](float gv, float yv) { return gv * activation_slope(Activation::Sigmoid, yv); },
        [&] { return minidl::mul(g, minidl::mul(y, minidl::rsub(y, 1.0f))); });
  });
}

Variable tanh(const Variable& a) {
  Tensor out = minidl::tanh(a.data());
  return record("Tanh", out, {&a}, [so = SavedTensor(out)](const Tensor& g, Grads gi, const Node&) {
    // g * (1 - t^2) in one pass: three passes and two temporaries before.
    const Tensor& t = so.get("Tanh");
    gi[0] = one_pass_backward(
        g, t, [](float gv, float tv) { return gv * (1.0f - tv * tv); },
        [&] { return minidl::mul(g, minidl::rsub(minidl::mul(t, t), 1.0f)); });
  });
}

Variable softmax(const Variable& a, int64_t dim) {
  Tensor out = minidl::softmax(a.data(), dim);
  return record("Softmax", out, {&a}, [so = SavedTensor(out), dim](const Tensor& g, Grads gi, const Node&) {
    // dx = y * (g - sum(g * y, dim))
    const Tensor& y = so.get("Softmax");
    gi[0] = minidl::mul(y, minidl::sub(g, minidl::sum(minidl::mul(g, y), dim, true)));
  });
}

Variable log_softmax(const Variable& a, int64_t dim) {
  Tensor out = minidl::log_softmax(a.data(), dim);
  return record("LogSoftmax", out, {&a}, [so = SavedTensor(out), dim](const Tensor& g, Grads gi, const Node&) {
    // dx = g - softmax(x) * sum(g, dim)
    gi[0] = minidl::sub(g, minidl::mul(minidl::exp(so.get("LogSoftmax")), minidl::sum(g, dim, true)));
  });
}

}  // namespace minidl
