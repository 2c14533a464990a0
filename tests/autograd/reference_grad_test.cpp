// Conformance: every case of tests/reference/grad_cases.yaml and grad_cases_images.yaml (or of
// the one file $MINIDL_GRAD_CASES names), generated with PyTorch, must give the same output and
// input gradients within the case's tolerance.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <sstream>
#include <utility>

#include "minidl/autograd.hpp"

using namespace minidl;

namespace {

Tensor parse_tensor(const YAML::Node& node) {
  const std::vector<int64_t> shape = node["shape"].as<std::vector<int64_t>>();
  if (node["dtype"] && node["dtype"].as<std::string>() == "int64")
    return Tensor::from_int64(node["values"].as<std::vector<int64_t>>(), Shape(shape));
  return Tensor::from(node["values"].as<std::vector<float>>(), Shape(shape));
}

using OpFn = std::function<Variable(const std::vector<Variable>&, const YAML::Node& attrs)>;

// A (height, width) attribute such as stride: [2, 2].
Size2 pair_of(const YAML::Node& attrs, const char* key) {
  const auto v = attrs[key].as<std::vector<int64_t>>();
  if (v.size() != 2) throw Error(std::string("attribute ") + key + " must be a pair");
  return {v[0], v[1]};
}

Reduction reduction_of(const YAML::Node& attrs) {
  return attrs["reduction"] ? parse_reduction(attrs["reduction"].as<std::string>()) : Reduction::Mean;
}

// Each op of the case format, called as PyTorch would with the case's attrs.
const std::map<std::string, OpFn>& ops() {
  static const std::map<std::string, OpFn> table = {
      {"add", [](auto& in, auto&) { return add(in[0], in[1]); }},
      {"sub", [](auto& in, auto&) { return sub(in[0], in[1]); }},
      {"mul", [](auto& in, auto&) { return mul(in[0], in[1]); }},
      {"div", [](auto& in, auto&) { return div(in[0], in[1]); }},
      {"neg", [](auto& in, auto&) { return neg(in[0]); }},
      {"exp", [](auto& in, auto&) { return exp(in[0]); }},
      {"log", [](auto& in, auto&) { return log(in[0]); }},
      {"sqrt", [](auto& in, auto&) { return sqrt(in[0]); }},
      {"abs", [](auto& in, auto&) { return abs(in[0]); }},
      {"sigmoid", [](auto& in, auto&) { return sigmoid(in[0]); }},
      {"tanh", [](auto& in, auto&) { return tanh(in[0]); }},
      {"relu", [](auto& in, auto&) { return relu(in[0]); }},
      {"pow", [](auto& in, auto& a) { return pow(in[0], a["exponent"].template as<float>()); }},
      {"leaky_relu", [](auto& in, auto& a) { return leaky_relu(in[0], a["negative_slope"].template as<float>()); }},
      {"softmax", [](auto& in, auto& a) { return softmax(in[0], a["dim"].template as<int64_t>()); }},
      {"log_softmax", [](auto& in, auto& a) { return log_softmax(in[0], a["dim"].template as<int64_t>()); }},
      {"sum", [](auto& in, auto& a) {
         const bool keepdim = a["keepdim"] && a["keepdim"].template as<bool>();
         if (a["dims"]) return sum(in[0], a["dims"].template as<std::vector<int64_t>>(), keepdim);
         return a["dim"] ? sum(in[0], a["dim"].template as<int64_t>(), keepdim) : sum(in[0]);
       }},
      {"mean", [](auto& in, auto& a) {
         const bool keepdim = a["keepdim"] && a["keepdim"].template as<bool>();
         if (a["dims"]) return mean(in[0], a["dims"].template as<std::vector<int64_t>>(), keepdim);
         return a["dim"] ? mean(in[0], a["dim"].template as<int64_t>(), keepdim) : mean(in[0]);
       }},
      {"rdiv", [](auto& in, auto& a) { return a["value"].template as<float>() / in[0]; }},
      {"maximum", [](auto& in, auto&) { return maximum(in[0], in[1]); }},
      {"minimum", [](auto& in, auto&) { return minimum(in[0], in[1]); }},
      {"clamp", [](auto& in, auto& a) {
         return clamp(in[0], a["min"].template as<float>(), a["max"].template as<float>());
       }},
      {"gather", [](auto& in, auto& a) { return gather(in[0], a["dim"].template as<int64_t>(), in[1].data()); }},
      {"cat", [](auto& in, auto& a) { return cat(in, a["dim"].template as<int64_t>()); }},
      {"stack", [](auto& in, auto& a) { return stack(in, a["dim"].template as<int64_t>()); }},
      {"permute", [](auto& in, auto& a) { return permute(in[0], Shape(a["dims"].template as<std::vector<int64_t>>())); }},
      {"unsqueeze", [](auto& in, auto& a) { return unsqueeze(in[0], a["dim"].template as<int64_t>()); }},
      {"squeeze", [](auto& in, auto& a) { return squeeze(in[0], a["dim"].template as<int64_t>()); }},
      {"narrow", [](auto& in, auto& a) {
         return narrow(in[0], a["dim"].template as<int64_t>(), a["start"].template as<int64_t>(),
                       a["length"].template as<int64_t>());
       }},
      {"select", [](auto& in, auto& a) {
         return select(in[0], a["dim"].template as<int64_t>(), a["index"].template as<int64_t>());
       }},
      {"index_select",
       [](auto& in, auto& a) { return index_select(in[0], a["dim"].template as<int64_t>(), in[1].data()); }},
      {"matmul", [](auto& in, auto&) { return matmul(in[0], in[1]); }},
      {"transpose", [](auto& in, auto& a) {
         return transpose(in[0], a["dim0"].template as<int64_t>(), a["dim1"].template as<int64_t>());
       }},
      {"reshape", [](auto& in, auto& a) { return reshape(in[0], Shape(a["shape"].template as<std::vector<int64_t>>())); }},
      {"linear", [](auto& in, auto&) { return linear(in[0], in[1], in.size() > 2 ? in[2] : Variable()); }},
      {"flatten", [](auto& in, auto& a) {
         return flatten(in[0], a["start_dim"].template as<int64_t>(), a["end_dim"].template as<int64_t>());
       }},
      {"conv2d", [](auto& in, auto& a) {
         return conv2d(in[0], in[1], in.size() > 2 ? in[2] : Variable(), pair_of(a, "stride"), pair_of(a, "padding"),
                       pair_of(a, "dilation"), a["groups"].template as<int64_t>());
       }},
      {"max_pool2d", [](auto& in, auto& a) {
         return max_pool2d(in[0], pair_of(a, "kernel_size"), pair_of(a, "stride"), pair_of(a, "padding"));
       }},
      {"avg_pool2d", [](auto& in, auto& a) {
         return avg_pool2d(in[0], pair_of(a, "kernel_size"), pair_of(a, "stride"), pair_of(a, "padding"),
                           a["count_include_pad"].template as<bool>());
       }},
      {"adaptive_avg_pool2d", [](auto& in, auto& a) { return adaptive_avg_pool2d(in[0], pair_of(a, "output_size")); }},
      {"batch_norm", [](auto& in, auto& a) {
         return batch_norm(in[0], in.size() > 1 ? in[1] : Variable(), in.size() > 2 ? in[2] : Variable(), nullptr,
                           nullptr, true, 0.1, a["eps"].template as<double>());
       }},
      {"layer_norm", [](auto& in, auto& a) {
         return layer_norm(in[0], Shape(a["normalized_shape"].template as<std::vector<int64_t>>()),
                           in.size() > 1 ? in[1] : Variable(), in.size() > 2 ? in[2] : Variable(),
                           a["eps"].template as<double>());
       }},
      {"mse_loss", [](auto& in, auto& a) { return mse_loss(in[0], in[1], reduction_of(a)); }},
      {"l1_loss", [](auto& in, auto& a) { return l1_loss(in[0], in[1], reduction_of(a)); }},
      {"huber_loss", [](auto& in, auto& a) {
         return huber_loss(in[0], in[1], reduction_of(a), a["delta"] ? a["delta"].template as<float>() : 1.0f);
       }},
      {"cross_entropy", [](auto& in, auto& a) {
         if (a["label_smoothing"] && a["label_smoothing"].template as<double>() != 0.0)
           throw Error("cross_entropy: label_smoothing is not supported");
         return cross_entropy(in[0], in[1].data(), reduction_of(a));
       }},
      {"nll_loss", [](auto& in, auto& a) { return nll_loss(in[0], in[1].data(), reduction_of(a)); }},
      {"binary_cross_entropy_with_logits",
       [](auto& in, auto& a) { return binary_cross_entropy_with_logits(in[0], in[1], reduction_of(a)); }},
  };
  return table;
}

// Empty when `actual` matches `expected` under |a-b| <= atol + rtol|b|; else the worst element.
std::string compare(const Tensor& actual, const Tensor& expected, double rtol, double atol) {
  std::ostringstream msg;
  if (actual.shape() != expected.shape()) {
    msg << "shape " << to_string(actual.shape()) << ", expected " << to_string(expected.shape());
    return msg.str();
  }
  const std::vector<float> a = actual.to_vector(), b = expected.to_vector();
  double worst_excess = 0;
  size_t worst = 0;
  bool bad = false;
  for (size_t i = 0; i < a.size(); ++i) {
    const double excess = std::fabs(double(a[i]) - b[i]) - (atol + rtol * std::fabs(double(b[i])));
    if (excess > 0 || std::isnan(a[i]) != std::isnan(b[i])) {
      if (!bad || excess > worst_excess) worst_excess = excess, worst = i;
      bad = true;
    }
  }
  if (bad) msg << "worst element " << worst << ": got " << a[worst] << ", expected " << b[worst];
  return msg.str();
}

// The case files to run: $MINIDL_GRAD_CASES alone when set, else the shipped ones.
std::vector<std::string> case_files() {
  const char* env = std::getenv("MINIDL_GRAD_CASES");
  if (env && *env) return {env};
  return {"tests/reference/grad_cases.yaml", "tests/reference/grad_cases_images.yaml",
          "tests/reference/grad_cases_from_scratch.yaml"};
}

// Runs every case of `path`, adding a failure per mismatch; returns {passed, total}.
std::pair<int, int> run_cases(const std::string& path) {
  const YAML::Node file = YAML::LoadFile(path);
  EXPECT_EQ(file["format"].as<std::string>(), "minidl-grad-cases/1") << path;
  int passed = 0, total = 0;
  for (const YAML::Node& c : file["cases"]) {
    ++total;
    const std::string name = c["name"].as<std::string>();
    const std::string op = c["op"].as<std::string>();
    std::vector<std::string> failures;
    try {
      auto it = ops().find(op);
      if (it == ops().end()) throw Error("unknown op '" + op + "'");
      std::vector<Variable> inputs;
      for (const YAML::Node& in : c["inputs"])
        inputs.emplace_back(parse_tensor(in), in["requires_grad"] && in["requires_grad"].as<bool>());
      const double rtol = c["rtol"].as<double>(), atol = c["atol"].as<double>();
      Variable out = it->second(inputs, c["attrs"]);
      if (auto m = compare(out.data(), parse_tensor(c["output"]), rtol, atol); !m.empty())
        failures.push_back("output: " + m);
      if (out.requires_grad()) out.backward(parse_tensor(c["grad_output"]));
      size_t i = 0;
      for (const YAML::Node& g : c["grads"]) {
        if (!g.IsNull()) {
          const Tensor& grad = inputs[i].grad();
          if (!grad.defined()) failures.push_back("grad " + std::to_string(i) + ": none computed");
          else if (auto m = compare(grad, parse_tensor(g), rtol, atol); !m.empty())
            failures.push_back("grad " + std::to_string(i) + ": " + m);
        }
        ++i;
      }
    } catch (const std::exception& e) {
      failures.push_back(std::string("threw: ") + e.what());
    }
    if (failures.empty()) ++passed;
    for (const auto& f : failures) ADD_FAILURE() << path << ": case " << name << " (" << op << "): " << f;
  }
  return {passed, total};
}

}  // namespace

TEST(AutogradReference, every_reference_case_matches_pytorch) {
  for (const std::string& path : case_files()) {
    const auto [passed, total] = run_cases(path);
    std::cout << "reference grad " << path << ": " << passed << " cases passed"
              << (passed < total ? " of " + std::to_string(total) : "") << "\n";
    EXPECT_GT(total, 0) << path;
  }
}
