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
/// A file that cannot be read or written, or whose contents are malformed (names the path).
struct IOError : Error { using Error::Error; };

}  // namespace minidl
