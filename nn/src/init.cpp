#include "minidl/nn/init.hpp"

#include <cmath>
#include <string>

#include "minidl/autograd/grad_mode.hpp"
#include "minidl/core/error.hpp"

namespace minidl::nn::init {
namespace {

// The tensor to write, checked: the parameter's own storage, so writes are seen by the module.
Tensor target(const Variable& v, const char* fn) {
  if (!v.defined()) throw ValueError(std::string("nn::init::") + fn + ": tensor is undefined");
  check_dtype(v.data(), DType::Float32, fn);
  return v.data();
}

void write(const Variable& v, const Tensor& values) {
  NoGradGuard no_grad;
  Tensor t = v.data();
  t.copy_(values);
}

int64_t fan(const Shape& shape, FanMode mode) {
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(shape);
  return mode == FanMode::FanIn ? fan_in : fan_out;
}

}  // namespace

FanMode parse_fan_mode(std::string_view name) {
  if (name == "fan_in") return FanMode::FanIn;
  if (name == "fan_out") return FanMode::FanOut;
  throw ValueError("nn::init: mode \"" + std::string(name) + "\" is not one of fan_in, fan_out");
}

Nonlinearity parse_nonlinearity(std::string_view name) {
  if (name == "linear") return Nonlinearity::Linear;
  if (name == "sigmoid") return Nonlinearity::Sigmoid;
  if (name == "tanh") return Nonlinearity::Tanh;
  if (name == "relu") return Nonlinearity::ReLU;
  if (name == "leaky_relu") return Nonlinearity::LeakyReLU;
  throw ValueError("nn::init: nonlinearity \"" + std::string(name) +
                   "\" is not one of linear, sigmoid, tanh, relu, leaky_relu");
}

double calculate_gain(Nonlinearity nonlinearity, double param) {
  switch (nonlinearity) {
    case Nonlinearity::Linear:
    case Nonlinearity::Sigmoid: return 1.0;
    case Nonlinearity::Tanh: return 5.0 / 3.0;
    case Nonlinearity::ReLU: return std::sqrt(2.0);
    case Nonlinearity::LeakyReLU: return std::sqrt(2.0 / (1.0 + param * param));
  }
  return 1.0;
}

std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Shape& shape) {
  if (shape.size() < 2)
    throw ShapeError("nn::init: fan in and fan out need at least 2 dims, got shape " + to_string(shape));
  int64_t receptive_field = 1;
  for (int d = 2; d < shape.size(); ++d) receptive_field *= shape[d];
  return {shape[1] * receptive_field, shape[0] * receptive_field};
}

void zeros_(const Variable& tensor) { constant_(tensor, 0.0f); }

void ones_(const Variable& tensor) { constant_(tensor, 1.0f); }

void constant_(const Variable& tensor, float value) {
  Tensor t = target(tensor, "constant_");
  NoGradGuard no_grad;
  t.fill_(value);
}

void uniform_(const Variable& tensor, Generator& gen, float low, float high) {
  if (!(low <= high))
    throw ValueError("nn::init::uniform_: low " + std::to_string(low) + " exceeds high " + std::to_string(high));
  Tensor t = target(tensor, "uniform_");
  write(tensor, Tensor::uniform(t.shape(), low, high, gen));
}

void normal_(const Variable& tensor, Generator& gen, float mean, float std) {
  if (!(std >= 0.0f)) throw ValueError("nn::init::normal_: std must be >= 0, got " + std::to_string(std));
  Tensor t = target(tensor, "normal_");
  write(tensor, Tensor::normal(t.shape(), mean, std, gen));
}

void xavier_uniform_(const Variable& tensor, Generator& gen, double gain) {
  Tensor t = target(tensor, "xavier_uniform_");
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t.shape());
  const double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  const auto bound = static_cast<float>(std::sqrt(3.0) * std);
  write(tensor, Tensor::uniform(t.shape(), -bound, bound, gen));
}

void xavier_normal_(const Variable& tensor, Generator& gen, double gain) {
  Tensor t = target(tensor, "xavier_normal_");
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t.shape());
  const double std = gain * std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
  write(tensor, Tensor::normal(t.shape(), 0.0f, static_cast<float>(std), gen));
}

void kaiming_uniform_(const Variable& tensor, Generator& gen, double a, FanMode mode,
                      Nonlinearity nonlinearity) {
  Tensor t = target(tensor, "kaiming_uniform_");
  const double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan(t.shape(), mode)));
  // Uniform on [-b, b] has variance b^2 / 3, so b = sqrt(3) * std.
  const auto bound = static_cast<float>(std::sqrt(3.0) * std);
  write(tensor, Tensor::uniform(t.shape(), -bound, bound, gen));
}

void kaiming_normal_(const Variable& tensor, Generator& gen, double a, FanMode mode,
                     Nonlinearity nonlinearity) {
  Tensor t = target(tensor, "kaiming_normal_");
  const double std = calculate_gain(nonlinearity, a) / std::sqrt(static_cast<double>(fan(t.shape(), mode)));
  write(tensor, Tensor::normal(t.shape(), 0.0f, static_cast<float>(std), gen));
}

}  // namespace minidl::nn::init
