#pragma once
// Typed exceptions: every bad input becomes one of these, with a message naming the thing,
// the expected and the actual value.
#include <stdexcept>
#include <string>

namespace minidl {

/// Base of every error minidl throws on bad input.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
/// Shapes that do not fit an op (the message names both shapes, the op and the dim).
struct ShapeError : Error { using Error::Error; };
/// An op given a dtype it does not support (e.g. exp of int64 labels).
struct DTypeError : Error { using Error::Error; };
/// An index or dimension out of range.
struct IndexError : Error { using Error::Error; };
/// A value out of its valid range (negative lr, batch_size 0, ...).
struct ValueError : Error { using Error::Error; };
/// An option of a component that cannot be used: unknown, of the wrong type, failing its check
/// or missing. Structured, so a config reader can point at the option's own key.
struct OptionError : ValueError {
  OptionError(std::string component, std::string option, std::string reason)
      : ValueError(component + ": " + reason), component_(std::move(component)),
        option_(std::move(option)), reason_(std::move(reason)) {}
  /// "Adam", "linear": what the option belongs to.
  const std::string& component() const { return component_; }
  /// The option's name as written ("lr", or the misspelt "lrr").
  const std::string& option() const { return option_; }
  /// What is wrong: "option lr must be >= 0, got -1".
  const std::string& reason() const { return reason_; }

 private:
  std::string component_, option_, reason_;
};
/// A file that cannot be read or written, or whose contents are malformed (names the path).
struct IOError : Error { using Error::Error; };

}  // namespace minidl
