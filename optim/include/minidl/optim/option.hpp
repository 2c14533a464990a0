#pragma once
// The declaration of one option: name, member, check and a line of documentation. An options
// struct lists its options once, in a static fields() function, and that one list serves
// C++ construction, building from an OptionMap, validation, printing and state_dict:
//
//   struct AdamOptions {
//     double lr = 1e-3;
//     static constexpr auto fields() {
//       return std::tuple{option("lr", &AdamOptions::lr, check::non_negative, "learning rate")};
//     }
//   };
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "minidl/optim/option_value.hpp"

namespace minidl::optim {

/// A condition on an option's value and its description for error messages ("must be >= 0").
template <class T>
struct Check {
  bool (*ok)(const T&) = nullptr;
  std::string_view expected;
};

/// The checks built-in optimizers and schedulers use; write your own as a Check<T>{fn, "text"}.
namespace check {
inline constexpr Check<double> any{[](const double&) { return true; }, "any number"};
inline constexpr Check<double> non_negative{[](const double& x) { return x >= 0.0; }, ">= 0"};
inline constexpr Check<double> positive{[](const double& x) { return x > 0.0; }, "> 0"};
/// [0, 1), PyTorch's range for a single beta.
inline constexpr Check<double> unit_interval{[](const double& x) { return x >= 0.0 && x < 1.0; },
                                             "in [0, 1)"};
/// [0, 1], for dampening and end factors.
inline constexpr Check<double> fraction{[](const double& x) { return x >= 0.0 && x <= 1.0; },
                                        "in [0, 1]"};
/// (0, 1], for a warm-up's start factor.
inline constexpr Check<double> positive_fraction{
    [](const double& x) { return x > 0.0 && x <= 1.0; }, "in (0, 1]"};
inline constexpr Check<int64_t> positive_int{[](const int64_t& x) { return x > 0; }, "> 0"};
inline constexpr Check<bool> flag{[](const bool&) { return true; }, "true or false"};
/// Both coefficients in [0, 1), like Adam's betas.
inline constexpr Check<std::pair<double, double>> betas{[](const std::pair<double, double>& b) {
                                                          return b.first >= 0.0 && b.first < 1.0 &&
                                                                 b.second >= 0.0 && b.second < 1.0;
                                                        },
                                                        "two values in [0, 1)"};
/// Non-negative and strictly increasing, like MultiStepLR's milestones.
inline constexpr Check<std::vector<int64_t>> increasing{
    [](const std::vector<int64_t>& v) {
      for (size_t i = 0; i < v.size(); ++i)
        if (v[i] < 0 || (i > 0 && v[i] <= v[i - 1])) return false;
      return true;
    },
    "non-negative and increasing"};
}  // namespace check

/// One declared option of the options struct O: its name, member, check and documentation.
template <class O, class T>
struct Option {
  using Struct = O;
  using Type = T;
  std::string_view name;
  T O::*member;
  Check<T> check;
  std::string_view doc;
  /// True when a config must give it (PyTorch has no default for it, e.g. StepLR's step_size).
  bool is_required = false;

  /// This option, marked as one a config must give.
  constexpr Option required() const {
    Option copy = *this;
    copy.is_required = true;
    return copy;
  }
};

/// Declares an option: option("lr", &AdamOptions::lr, check::non_negative, "learning rate").
template <class O, class T>
constexpr Option<O, T> option(std::string_view name, T O::*member,
                              std::type_identity_t<Check<T>> check, std::string_view doc = {}) {
  return Option<O, T>{name, member, check, doc};
}

/// How an option type converts from and to an OptionValue and prints. Specialised for
/// double, bool, int64_t, std::pair<double, double> and std::vector<int64_t | double>.
template <class T>
struct OptionTraits;

template <>
struct OptionTraits<double> {
  static constexpr std::string_view type = "a number";
  static std::optional<double> from(const OptionValue& v);
  static OptionValue to(double x) { return x; }
  static std::string format(double x);
};

template <>
struct OptionTraits<bool> {
  static constexpr std::string_view type = "true or false";
  static std::optional<bool> from(const OptionValue& v);
  static OptionValue to(bool x) { return x; }
  static std::string format(bool x) { return x ? "true" : "false"; }
};

template <>
struct OptionTraits<int64_t> {
  static constexpr std::string_view type = "an integer";
  static std::optional<int64_t> from(const OptionValue& v);
  static OptionValue to(int64_t x) { return x; }
  static std::string format(int64_t x) { return std::to_string(x); }
};

template <>
struct OptionTraits<std::pair<double, double>> {
  static constexpr std::string_view type = "a list of two numbers";
  static std::optional<std::pair<double, double>> from(const OptionValue& v);
  static OptionValue to(const std::pair<double, double>& x) {
    return std::vector<double>{x.first, x.second};
  }
  /// "(0.9, 0.999)", as PyTorch prints a tuple.
  static std::string format(const std::pair<double, double>& x);
};

template <>
struct OptionTraits<std::vector<int64_t>> {
  static constexpr std::string_view type = "a list of integers";
  static std::optional<std::vector<int64_t>> from(const OptionValue& v);
  static OptionValue to(const std::vector<int64_t>& x);
  static std::string format(const std::vector<int64_t>& x);
};

template <>
struct OptionTraits<std::vector<double>> {
  static constexpr std::string_view type = "a list of numbers";
  static std::optional<std::vector<double>> from(const OptionValue& v);
  static OptionValue to(const std::vector<double>& x) { return x; }
  static std::string format(const std::vector<double>& x);
};

}  // namespace minidl::optim
