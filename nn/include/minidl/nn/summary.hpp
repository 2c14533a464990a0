#pragma once
// A printable table of a model's layers: name, layer, output shape and parameter count.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "minidl/nn/module.hpp"

namespace minidl::nn {

/// One layer of a summary.
struct SummaryRow {
  /// Hierarchical name ("0", "encoder.fc1").
  std::string name;
  /// The layer as describe() prints it (its type name for composite modules).
  std::string layer;
  /// Known when an input shape was given and the layer lies on a Sequential chain.
  std::optional<Shape> output_shape;
  /// Parameter elements in this layer and below.
  int64_t num_parameters = 0;
  /// Nesting level, for indentation.
  int depth = 0;
};

/// The rows plus totals; to_string() gives the table.
struct Summary {
  std::vector<SummaryRow> rows;
  int64_t total_parameters = 0;
  int64_t trainable_parameters = 0;
  std::string to_string() const;
};

/// Summarises `module`. With an input shape, runs one forward on zeros of that shape
/// (no-grad, eval mode, training flags restored afterwards) to find output shapes.
Summary summarize(Module& module, const std::optional<Shape>& input_shape = std::nullopt);

/// summarize(module, input_shape).to_string().
std::string summary(Module& module, const std::optional<Shape>& input_shape = std::nullopt);

std::ostream& operator<<(std::ostream& os, const Summary& summary);

}  // namespace minidl::nn
