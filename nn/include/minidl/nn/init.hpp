#pragma once
// nn::init: in-place initialisation of parameters, with PyTorch's formulas (torch.nn.init).
// Each function draws from the Generator it is given and writes under no-grad. A Tensor
// passes as well as a Variable: both share storage with what they were made from.
#include <string_view>
#include <utility>

#include "minidl/autograd/variable.hpp"
#include "minidl/core/generator.hpp"

namespace minidl::nn::init {

/// Which fan kaiming_* scales by: fan_in keeps the forward variance, fan_out the backward's.
enum class FanMode { FanIn, FanOut };
/// The nonlinearity that follows the initialised layer (sets the gain).
enum class Nonlinearity { Linear, Sigmoid, Tanh, ReLU, LeakyReLU };

/// "fan_in" | "fan_out"; throws ValueError naming the value otherwise.
FanMode parse_fan_mode(std::string_view name);
/// "linear" | "sigmoid" | "tanh" | "relu" | "leaky_relu"; throws ValueError otherwise.
Nonlinearity parse_nonlinearity(std::string_view name);

/// The recommended gain: 1 (linear, sigmoid), 5/3 (tanh), sqrt(2) (relu),
/// sqrt(2 / (1 + param^2)) (leaky_relu, param = negative slope).
double calculate_gain(Nonlinearity nonlinearity, double param = 0.01);
/// {fan_in, fan_out} = {size(1), size(0)} times the product of the dims after the second;
/// throws ShapeError for fewer than 2 dims.
std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Shape& shape);

void zeros_(const Variable& tensor);
void ones_(const Variable& tensor);
void constant_(const Variable& tensor, float value);
/// U(low, high).
void uniform_(const Variable& tensor, Generator& gen, float low = 0.0f, float high = 1.0f);
/// N(mean, std^2).
void normal_(const Variable& tensor, Generator& gen, float mean = 0.0f, float std = 1.0f);
/// U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010).
void xavier_uniform_(const Variable& tensor, Generator& gen, double gain = 1.0);
/// N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).
void xavier_normal_(const Variable& tensor, Generator& gen, double gain = 1.0);
/// U(-b, b) with b = gain * sqrt(3 / fan) (He et al. 2015); `a` is the leaky_relu slope.
void kaiming_uniform_(const Variable& tensor, Generator& gen, double a = 0.0,
                      FanMode mode = FanMode::FanIn,
                      Nonlinearity nonlinearity = Nonlinearity::LeakyReLU);
/// N(0, std^2) with std = gain / sqrt(fan).
void kaiming_normal_(const Variable& tensor, Generator& gen, double a = 0.0,
                     FanMode mode = FanMode::FanIn,
                     Nonlinearity nonlinearity = Nonlinearity::LeakyReLU);

}  // namespace minidl::nn::init
