#pragma once
// OptionValue: one option as a config file gives it (a number, a flag or a list of numbers),
// and OptionMap, the name -> value map that builds an optimizer or scheduler by name.
#include <concepts>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace minidl::optim {

/// A number (any arithmetic type, kept as double), a bool, or a list of numbers.
class OptionValue {
 public:
  using Variant = std::variant<double, bool, std::vector<double>>;

  OptionValue(bool flag) : value_(flag) {}
  template <class T>
  requires std::is_arithmetic_v<T> &&(!std::same_as<T, bool>)OptionValue(T number)
      : value_(static_cast<double>(number)) {}
  OptionValue(std::vector<double> list) : value_(std::move(list)) {}
  OptionValue(std::initializer_list<double> list) : value_(std::vector<double>(list)) {}
  /// Refused: a string literal would otherwise silently become the bool `true`.
  OptionValue(const char*) = delete;

  const Variant& get() const { return value_; }
  bool is_number() const { return std::holds_alternative<double>(value_); }
  bool is_bool() const { return std::holds_alternative<bool>(value_); }
  bool is_list() const { return std::holds_alternative<std::vector<double>>(value_); }

  /// "0.001", "true", "[0.9, 0.999]": shortest text that parses back to the same bits.
  std::string to_string() const;
  /// The inverse of to_string(); throws ValueError naming `what` for text that is none of them.
  static OptionValue parse(std::string_view text, std::string_view what);

  friend bool operator==(const OptionValue&, const OptionValue&) = default;

 private:
  Variant value_;
};

/// Options by name, as YAML or a command line gives them: {{"lr", 1e-3}, {"betas", {0.9, 0.99}}}.
using OptionMap = std::map<std::string, OptionValue, std::less<>>;

/// Shortest decimal text that reads back as exactly `x` ("0.001", "1e-08", "3").
std::string format_number(double x);

}  // namespace minidl::optim
