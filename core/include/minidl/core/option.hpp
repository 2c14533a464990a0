#pragma once
// The declaration of one option: name, member, check and a line of documentation. A
// component's options struct lists its options once, in a static fields() function, and that
// one list serves C++ construction, building from an OptionMap (YAML, command lines),
// validation, errors, printing, the resolved config and the reference documentation:
//
//   struct AdamOptions {
//     double lr = 1e-3;
//     static constexpr auto fields() {
//       return std::tuple{option("lr", &AdamOptions::lr, check::non_negative, "learning rate")};
//     }
//   };
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "minidl/core/option_value.hpp"
#include "minidl/core/size2.hpp"

namespace minidl {

/// A condition on an option's value and its description for messages ("must be >= 0").
template <class T>
struct Check {
  bool (*ok)(const T&) = nullptr;
  std::string_view expected;
  /// For text options: the allowed values (the check then needs no `ok`).
  std::span<const std::string_view> choices{};
};

/// The checks built-in components use; write your own as a Check<T>{fn, "text"}.
namespace check {
inline constexpr Check<double> any{[](const double&) { return true; }, "any number"};
inline constexpr Check<double> non_negative{[](const double& x) { return x >= 0.0; }, ">= 0"};
inline constexpr Check<double> positive{[](const double& x) { return x > 0.0; }, "> 0"};
/// [0, 1), PyTorch's range for a single beta or a drop probability.
inline constexpr Check<double> unit_interval{[](const double& x) { return x >= 0.0 && x < 1.0; },
                                             "in [0, 1)"};
/// [0, 1], for dampening and end factors.
inline constexpr Check<double> fraction{[](const double& x) { return x >= 0.0 && x <= 1.0; },
                                        "in [0, 1]"};
/// (0, 1], for a warm-up's start factor.
inline constexpr Check<double> positive_fraction{
    [](const double& x) { return x > 0.0 && x <= 1.0; }, "in (0, 1]"};
inline constexpr Check<int64_t> any_int{[](const int64_t&) { return true; }, "any integer"};
inline constexpr Check<int64_t> positive_int{[](const int64_t& x) { return x > 0; }, "> 0"};
inline constexpr Check<int64_t> non_negative_int{[](const int64_t& x) { return x >= 0; }, ">= 0"};
inline constexpr Check<bool> flag{[](const bool&) { return true; }, "true or false"};
inline constexpr Check<std::string> any_text{[](const std::string&) { return true; }, "any text"};
inline constexpr Check<std::string> not_empty{[](const std::string& s) { return !s.empty(); },
                                              "not empty"};
/// One of the given words: check::one_of(kModes) with
/// `inline constexpr std::string_view kModes[] = {"fan_in", "fan_out"};`.
constexpr Check<std::string> one_of(std::span<const std::string_view> choices) {
  return {nullptr, {}, choices};
}
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
/// Both sizes > 0, like a kernel size or a stride.
inline constexpr Check<Size2> positive_size{[](const Size2& s) { return s[0] > 0 && s[1] > 0; }, "> 0"};
/// Both sizes >= 0, like a padding.
inline constexpr Check<Size2> non_negative_size{[](const Size2& s) { return s[0] >= 0 && s[1] >= 0; }, ">= 0"};
/// Every size > 0, like a shape.
inline constexpr Check<std::vector<int64_t>> positive_sizes{
    [](const std::vector<int64_t>& v) {
      for (int64_t x : v)
        if (x <= 0) return false;
      return true;
    },
    "sizes > 0"};
inline constexpr Check<std::vector<double>> any_numbers{[](const std::vector<double>&) { return true; },
                                                        "any numbers"};
}  // namespace check

/// Whether T is a std::optional: an option without a default that may stay unset (a size
/// inferred from the data, a seed that falls back to the config's).
template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;

/// The type a check looks at: T, or the value inside a std::optional<T>.
template <class T>
struct checked_type {
  using type = T;
};
template <class T>
struct checked_type<std::optional<T>> {
  using type = T;
};
template <class T>
using checked_type_t = typename checked_type<T>::type;

/// One declared option of the options struct O: its name, member, check and documentation.
template <class O, class T>
struct Option {
  using Struct = O;
  using Type = T;
  std::string_view name;
  T O::*member;
  Check<checked_type_t<T>> check;
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
                              std::type_identity_t<Check<checked_type_t<T>>> check,
                              std::string_view doc = {}) {
  return Option<O, T>{name, member, check, doc};
}

/// How an option type converts from and to an OptionValue and prints. Specialised for
/// double, bool, int64_t, std::string, std::pair<double, double>, std::vector<int64_t | double>
/// and std::optional of each.
template <class T>
struct OptionTraits;

template <>
struct OptionTraits<double> {
  static constexpr std::string_view type = "number";
  static std::optional<double> from(const OptionValue& v) { return v.number(); }
  static OptionValue to(double x) { return x; }
  static std::string format(double x) { return format_number(x); }
};

template <>
struct OptionTraits<bool> {
  static constexpr std::string_view type = "boolean";
  static std::optional<bool> from(const OptionValue& v);
  static OptionValue to(bool x) { return x; }
  static std::string format(bool x) { return x ? "true" : "false"; }
};

template <>
struct OptionTraits<int64_t> {
  static constexpr std::string_view type = "integer";
  /// An integer, or a number with an exact integer value (3.0).
  static std::optional<int64_t> from(const OptionValue& v);
  static OptionValue to(int64_t x) { return x; }
  static std::string format(int64_t x) { return std::to_string(x); }
};

template <>
struct OptionTraits<std::string> {
  static constexpr std::string_view type = "string";
  static std::optional<std::string> from(const OptionValue& v);
  static OptionValue to(const std::string& x) { return x; }
  static std::string format(const std::string& x) { return x; }
};

template <>
struct OptionTraits<std::pair<double, double>> {
  static constexpr std::string_view type = "two numbers";
  static std::optional<std::pair<double, double>> from(const OptionValue& v);
  static OptionValue to(const std::pair<double, double>& x) {
    return std::vector<double>{x.first, x.second};
  }
  /// "(0.9, 0.999)", as PyTorch prints a tuple.
  static std::string format(const std::pair<double, double>& x);
};

template <>
struct OptionTraits<std::vector<int64_t>> {
  static constexpr std::string_view type = "list of integers";
  static std::optional<std::vector<int64_t>> from(const OptionValue& v);
  static OptionValue to(const std::vector<int64_t>& x);
  static std::string format(const std::vector<int64_t>& x);
};

template <>
struct OptionTraits<std::vector<double>> {
  static constexpr std::string_view type = "list of numbers";
  static std::optional<std::vector<double>> from(const OptionValue& v);
  static OptionValue to(const std::vector<double>& x) { return x; }
  static std::string format(const std::vector<double>& x);
};

template <>
struct OptionTraits<Size2> {
  static constexpr std::string_view type = "integer or pair";
  /// An integer n is (n, n); a list of two integers is (height, width).
  static std::optional<Size2> from(const OptionValue& v);
  /// One integer when height and width agree, else the pair.
  static OptionValue to(const Size2& x);
  /// "5" or "(5, 3)", as PyTorch prints a size it was given.
  static std::string format(const Size2& x);
};

/// An optional option converts like its value; an unset one prints as "none".
template <class T>
struct OptionTraits<std::optional<T>> {
  static constexpr std::string_view type = OptionTraits<T>::type;
  static std::optional<std::optional<T>> from(const OptionValue& v) {
    auto value = OptionTraits<T>::from(v);
    if (!value) return std::nullopt;
    return std::optional<T>(std::move(*value));
  }
  static OptionValue to(const std::optional<T>& x) { return OptionTraits<T>::to(*x); }
  static std::string format(const std::optional<T>& x) {
    return x ? OptionTraits<T>::format(*x) : "none";
  }
};

}  // namespace minidl
