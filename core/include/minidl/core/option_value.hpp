#pragma once
// OptionValue: one option of a component as a config file or a command line gives it (a flag,
// an integer, a number, a string or a list of numbers), and OptionMap, options by name.
#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "minidl/core/number_text.hpp"

namespace minidl {

/// A flag, an integer, a number, a string or a list of numbers.
class OptionValue {
 public:
  using Variant = std::variant<bool, int64_t, double, std::string, std::vector<double>>;

  OptionValue(bool flag) : value_(flag) {}
  /// Integers stay exact (an int64 seed beyond 2^53 keeps every digit); numbers are doubles.
  template <class T>
  requires std::is_integral_v<T> &&(!std::same_as<T, bool>)OptionValue(T integer)
      : value_(static_cast<int64_t>(integer)) {}
  template <class T>
  requires std::is_floating_point_v<T> OptionValue(T number) : value_(static_cast<double>(number)) {}
  OptionValue(std::vector<double> list) : value_(std::move(list)) {}
  OptionValue(std::initializer_list<double> list) : value_(std::vector<double>(list)) {}
  /// Text is a string option (a file path, a mode); never silently a bool.
  OptionValue(std::string text) : value_(std::move(text)) {}
  OptionValue(const char* text) : value_(std::string(text)) {}

  const Variant& get() const { return value_; }
  bool is_bool() const { return std::holds_alternative<bool>(value_); }
  bool is_integer() const { return std::holds_alternative<int64_t>(value_); }
  /// An integer or a number.
  bool is_number() const { return is_integer() || std::holds_alternative<double>(value_); }
  bool is_string() const { return std::holds_alternative<std::string>(value_); }
  bool is_list() const { return std::holds_alternative<std::vector<double>>(value_); }
  /// The value of an integer or number as a double (nullopt for other kinds).
  std::optional<double> number() const;

  /// "0.001", "3", "true", "fan_in", "[0.9, 0.999]": the shortest text that reads back the same.
  std::string to_string() const;
  /// The inverse of to_string() for every kind but strings; text that is no number, flag or
  /// [list] reads as a string.
  static OptionValue parse(std::string_view text);

  /// Numbers compare by value: the integer 3 equals the number 3.0.
  friend bool operator==(const OptionValue& a, const OptionValue& b);

 private:
  Variant value_;
};

/// Options by name, as YAML or a command line gives them: {{"lr", 1e-3}, {"betas", {0.9, 0.99}}}.
using OptionMap = std::map<std::string, OptionValue, std::less<>>;
/// Options in declaration order, as a resolved config prints them.
using OptionList = std::vector<std::pair<std::string, OptionValue>>;

}  // namespace minidl
