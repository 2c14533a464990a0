// The built-in initialisers: torch.nn.init's, each one options struct and one fill function.
#include "minidl/experiment/init_registry.hpp"

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <limits>
#include <string_view>
#include <tuple>

#include "minidl/nn/init.hpp"

namespace minidl::experiment {

namespace {

namespace init = nn::init;

// Gaussian draws come from Generator::normal, whose |z| stays below sqrt(-2 ln 2^-24) = 5.77.
constexpr double kLargestNormalDraw = 6.0;

// The largest |value| an initialiser can write (or compute on the way) must be a float32, or
// the weights start as inf or NaN and the run fails later, blamed on the loss.
void require_float(std::string_view init, std::string_view option, double value, double largest,
                   const std::string& what) {
  if (largest <= std::numeric_limits<float>::max()) return;
  char reach[32];
  std::snprintf(reach, sizeof reach, "%.3g", largest);
  throw OptionError(std::string(init), std::string(option),
                    "option " + std::string(option) + " = " + format_number(value) + " makes " + what + " reach " +
                        reach + ", beyond float32's largest value 3.4e+38");
}

// sqrt(2 / (fan_in + fan_out)): Glorot's standard deviation for gain 1.
double glorot_std(const Variable& p) {
  const auto [fan_in, fan_out] = init::calculate_fan_in_and_fan_out(p.shape());
  return std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
}

struct ConstantOptions {
  double val = 0.0;
  static constexpr auto fields() {
    return std::tuple{option("val", &ConstantOptions::val, check::any, "the value").required()};
  }
};

struct UniformOptions {
  double a = 0.0;
  double b = 1.0;
  static constexpr auto fields() {
    return std::tuple{option("a", &UniformOptions::a, check::any, "lower bound"),
                      option("b", &UniformOptions::b, check::any, "upper bound")};
  }
  void validate() const {
    if (b < a) throw OptionError("uniform", "b", "option b must be >= a, got a = " + format_number(a) + ", b = " + format_number(b));
  }
};

struct NormalOptions {
  double mean = 0.0;
  double std = 1.0;
  static constexpr auto fields() {
    return std::tuple{option("mean", &NormalOptions::mean, check::any, "mean"),
                      option("std", &NormalOptions::std, check::non_negative, "standard deviation")};
  }
};

struct GainOptions {
  double gain = 1.0;
  static constexpr auto fields() {
    return std::tuple{option("gain", &GainOptions::gain, check::positive, "scaling factor")};
  }
};

inline constexpr std::string_view kFanModes[] = {"fan_in", "fan_out"};
inline constexpr std::string_view kNonlinearities[] = {"linear", "sigmoid", "tanh", "relu", "leaky_relu"};

struct KaimingOptions {
  double a = 0.0;
  std::string mode = "fan_in";
  std::string nonlinearity = "leaky_relu";
  static constexpr auto fields() {
    return std::tuple{option("a", &KaimingOptions::a, check::any, "negative slope of the leaky_relu that follows"),
                      option("mode", &KaimingOptions::mode, check::one_of(kFanModes),
                             "fan_in keeps the forward variance, fan_out the backward's"),
                      option("nonlinearity", &KaimingOptions::nonlinearity, check::one_of(kNonlinearities),
                             "the activation that follows")};
  }
};

void add_builtins(Registry<InitEntry>& r) {
  r.add(init_entry<NoOptions>("zeros", "fills with 0", [](const Variable& p, const NoOptions&, Generator&) { init::zeros_(p); }));
  r.add(init_entry<NoOptions>("ones", "fills with 1", [](const Variable& p, const NoOptions&, Generator&) { init::ones_(p); }));
  r.add(init_entry<ConstantOptions>("constant", "fills with val", [](const Variable& p, const ConstantOptions& o, Generator&) {
    require_float("constant", "val", o.val, std::abs(o.val), "every value");
    init::constant_(p, static_cast<float>(o.val));
  }));
  r.add(init_entry<UniformOptions>("uniform", "U(a, b)", [](const Variable& p, const UniformOptions& o, Generator& g) {
    const bool a_larger = std::abs(o.a) >= std::abs(o.b);
    const char* larger = a_larger ? "a" : "b";
    const double value = a_larger ? o.a : o.b;
    require_float("uniform", larger, value, std::max(std::abs(o.a), std::abs(o.b)), "the values");
    require_float("uniform", larger, value, o.b - o.a, "the width b - a of the interval");
    init::uniform_(p, g, static_cast<float>(o.a), static_cast<float>(o.b));
  }));
  r.add(init_entry<NormalOptions>("normal", "N(mean, std^2)", [](const Variable& p, const NormalOptions& o, Generator& g) {
    const double mean = std::abs(o.mean), spread = kLargestNormalDraw * o.std;
    const bool mean_larger = mean >= spread;
    require_float("normal", mean_larger ? "mean" : "std", mean_larger ? o.mean : o.std, mean + spread,
                  "values mean + 6 std");
    init::normal_(p, g, static_cast<float>(o.mean), static_cast<float>(o.std));
  }));
  r.add(init_entry<GainOptions>("xavier_uniform", "U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out))",
                                [](const Variable& p, const GainOptions& o, Generator& g) {
                                  require_float("xavier_uniform", "gain", o.gain, o.gain * std::sqrt(3.0) * glorot_std(p),
                                                "the bound");
                                  init::xavier_uniform_(p, g, o.gain);
                                }));
  r.add(init_entry<GainOptions>("xavier_normal", "N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out))",
                                [](const Variable& p, const GainOptions& o, Generator& g) {
                                  require_float("xavier_normal", "gain", o.gain,
                                                kLargestNormalDraw * o.gain * glorot_std(p), "values of 6 std");
                                  init::xavier_normal_(p, g, o.gain);
                                }));
  r.add(init_entry<KaimingOptions>("kaiming_uniform", "U(-b, b), b = gain * sqrt(3 / fan)",
                                   [](const Variable& p, const KaimingOptions& o, Generator& g) {
                                     init::kaiming_uniform_(p, g, o.a, init::parse_fan_mode(o.mode),
                                                            init::parse_nonlinearity(o.nonlinearity));
                                   }));
  r.add(init_entry<KaimingOptions>("kaiming_normal", "N(0, std^2), std = gain / sqrt(fan)",
                                   [](const Variable& p, const KaimingOptions& o, Generator& g) {
                                     init::kaiming_normal_(p, g, o.a, init::parse_fan_mode(o.mode),
                                                           init::parse_nonlinearity(o.nonlinearity));
                                   }));
}

}  // namespace

Registry<InitEntry>& initializers() {
  static Registry<InitEntry> registry("initialiser");
  [[maybe_unused]] static const bool builtins = (add_builtins(registry), true);
  return registry;
}

}  // namespace minidl::experiment
