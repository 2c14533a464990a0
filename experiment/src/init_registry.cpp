#include "minidl/experiment/init_registry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "minidl/nn/init.hpp"

namespace minidl::experiment {

namespace {

namespace init = nn::init;

const OptionDecl kGain{"gain", OptionKind::Number, 1.0, "scaling factor", Range::greater_than(0)};
const std::vector<OptionDecl> kKaiming{
    {"a", OptionKind::Number, 0.0, "negative slope of the leaky_relu that follows"},
    {"mode", OptionKind::String, std::string("fan_in"), "fan_in keeps the forward variance, fan_out the backward's",
     Range::any(), {"fan_in", "fan_out"}},
    {"nonlinearity", OptionKind::String, std::string("leaky_relu"), "the activation that follows",
     Range::any(), {"linear", "sigmoid", "tanh", "relu", "leaky_relu"}}};

float f(const Options& o, const char* name) { return static_cast<float>(o.number(name)); }

// Gaussian draws come from Generator::normal, whose |z| stays below sqrt(-2 ln 2^-24) = 5.77.
constexpr double kLargestNormalDraw = 6.0;

// The largest |value| an initialiser can write (or compute on the way) must be a float32, or
// the weights start as inf or NaN and the run fails later, blamed on the loss.
void require_float(const Options& o, const char* key, double largest, const std::string& what) {
  if (largest <= std::numeric_limits<float>::max()) return;
  o.fail(key, fmt::format("{} = {} makes {} reach {:.3g}, beyond float32's largest value 3.4e+38", o.path(key),
                          to_text(o.value(key)), what, largest));
}

// sqrt(2 / (fan_in + fan_out)): Glorot's standard deviation for gain 1.
double glorot_std(const Variable& p) {
  const auto [fan_in, fan_out] = init::calculate_fan_in_and_fan_out(p.shape());
  return std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
}

void add_builtins(InitRegistry& r) {
  r.add("zeros", {"fills with 0", {}}, [](const Variable& p, const Options&, Generator&) { init::zeros_(p); });
  r.add("ones", {"fills with 1", {}}, [](const Variable& p, const Options&, Generator&) { init::ones_(p); });
  r.add("constant", {"fills with val", {{"val", OptionKind::Number, {}, "the value"}}},
        [](const Variable& p, const Options& o, Generator&) {
          require_float(o, "val", std::abs(o.number("val")), "every value");
          init::constant_(p, f(o, "val"));
        });
  r.add("uniform",
        {"U(a, b)", {{"a", OptionKind::Number, 0.0, "lower bound"}, {"b", OptionKind::Number, 1.0, "upper bound"}}},
        [](const Variable& p, const Options& o, Generator& g) {
          if (o.number("b") < o.number("a")) o.fail("b", "expected b >= a");
          const double a = o.number("a"), b = o.number("b");
          const char* larger = std::abs(a) >= std::abs(b) ? "a" : "b";
          require_float(o, larger, std::max(std::abs(a), std::abs(b)), "the values");
          require_float(o, larger, b - a, "the width b - a of the interval");
          init::uniform_(p, g, f(o, "a"), f(o, "b"));
        });
  r.add("normal",
        {"N(mean, std^2)",
         {{"mean", OptionKind::Number, 0.0, "mean"},
          {"std", OptionKind::Number, 1.0, "standard deviation", Range::at_least(0)}}},
        [](const Variable& p, const Options& o, Generator& g) {
          const double mean = std::abs(o.number("mean")), spread = kLargestNormalDraw * o.number("std");
          require_float(o, mean >= spread ? "mean" : "std", mean + spread, "values mean + 6 std");
          init::normal_(p, g, f(o, "mean"), f(o, "std"));
        });
  r.add("xavier_uniform", {"U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out))", {kGain}},
        [](const Variable& p, const Options& o, Generator& g) {
          require_float(o, "gain", o.number("gain") * std::sqrt(3.0) * glorot_std(p), "the bound");
          init::xavier_uniform_(p, g, o.number("gain"));
        });
  r.add("xavier_normal", {"N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out))", {kGain}},
        [](const Variable& p, const Options& o, Generator& g) {
          require_float(o, "gain", kLargestNormalDraw * o.number("gain") * glorot_std(p), "values of 6 std");
          init::xavier_normal_(p, g, o.number("gain"));
        });
  r.add("kaiming_uniform", {"U(-b, b), b = gain * sqrt(3 / fan)", kKaiming},
        [](const Variable& p, const Options& o, Generator& g) {
          init::kaiming_uniform_(p, g, o.number("a"), init::parse_fan_mode(o.string("mode")),
                                 init::parse_nonlinearity(o.string("nonlinearity")));
        });
  r.add("kaiming_normal", {"N(0, std^2), std = gain / sqrt(fan)", kKaiming},
        [](const Variable& p, const Options& o, Generator& g) {
          init::kaiming_normal_(p, g, o.number("a"), init::parse_fan_mode(o.string("mode")),
                                init::parse_nonlinearity(o.string("nonlinearity")));
        });
}

}  // namespace

InitRegistry& initializers() {
  static InitRegistry registry = [] {
    InitRegistry r("initialiser");
    add_builtins(r);
    return r;
  }();
  return registry;
}

}  // namespace minidl::experiment
