#include "minidl/nn/summary.hpp"

#include <algorithm>
#include <array>
#include <ostream>

#include "minidl/autograd/grad_mode.hpp"
#include "minidl/nn/sequential.hpp"

namespace minidl::nn {
namespace {

std::string join_name(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

// "9,610": parameter counts of real models are long.
std::string with_commas(int64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// Adds rows for `m` and below. `x` carries the running activation along a Sequential chain;
// it becomes unknown inside a module whose forward may use its children in any order.
void visit(Module& m, const std::string& name, int depth, std::optional<Variable>& x,
           std::vector<SummaryRow>& rows, bool is_root) {
  if (dynamic_cast<Sequential*>(&m)) {
    size_t own_row = rows.size();
    if (!is_root) rows.push_back({name, m.name(), std::nullopt, m.num_parameters(), depth});
    const int child_depth = is_root ? depth : depth + 1;
    for (const auto& [child_name, child] : m.named_children())
      visit(*child, join_name(name, child_name), child_depth, x, rows, false);
    if (!is_root && x) rows[own_row].output_shape = x->shape();
    return;
  }
  std::optional<Variable> y;
  if (x) y = m(*x);
  const bool leaf = m.named_children().empty();
  rows.push_back({name, leaf ? m.describe() : m.name(), y ? std::optional<Shape>(y->shape()) : std::nullopt,
                  m.num_parameters(), depth});
  std::optional<Variable> unknown;
  for (const auto& [child_name, child] : m.named_children())
    visit(*child, join_name(name, child_name), depth + 1, unknown, rows, false);
  x = y;
}

}  // namespace

Summary summarize(Module& module, const std::optional<Shape>& input_shape) {
  // Eval mode so Dropout draws nothing: summarising must not shift a training run's randomness.
  std::vector<std::pair<Module*, bool>> modes;
  for (const auto& [_, m] : module.named_modules()) modes.emplace_back(m, m->is_training());
  module.eval();
  struct RestoreModes {
    std::vector<std::pair<Module*, bool>>& modes;
    // train() recurses, and parents come first, so each module ends with its own flag.
    ~RestoreModes() {
      for (auto& [m, training] : modes) m->train(training);
    }
  } restore{modes};

  Summary s;
  NoGradGuard no_grad;
  std::optional<Variable> x;
  if (input_shape) x = Variable(Tensor::zeros(*input_shape));
  visit(module, "", 0, x, s.rows, true);
  for (const Variable& p : module.parameters()) {
    s.total_parameters += p.numel();
    if (p.requires_grad()) s.trainable_parameters += p.numel();
  }
  return s;
}

std::string Summary::to_string() const {
  std::vector<std::array<std::string, 4>> cells{{"Name", "Layer", "Output shape", "Params"}};
  for (const SummaryRow& row : rows)
    cells.push_back({std::string(static_cast<size_t>(2 * row.depth), ' ') + (row.name.empty() ? "-" : row.name),
                     row.layer.substr(0, row.layer.find('\n')),
                     row.output_shape ? minidl::to_string(*row.output_shape) : "-", with_commas(row.num_parameters)});
  std::array<size_t, 4> width{};
  for (const auto& line : cells)
    for (size_t c = 0; c < 4; ++c) width[c] = std::max(width[c], line[c].size());

  std::string out;
  size_t total_width = width[0] + width[1] + width[2] + width[3] + 6;
  auto rule = [&](char c) { out += std::string(total_width, c) + "\n"; };
  for (size_t i = 0; i < cells.size(); ++i) {
    const auto& line = cells[i];
    for (size_t c = 0; c < 3; ++c) out += line[c] + std::string(width[c] - line[c].size() + 2, ' ');
    out += std::string(width[3] - line[3].size(), ' ') + line[3] + "\n";
    if (i == 0) rule('=');
  }
  rule('=');
  out += "Total params: " + with_commas(total_parameters) + "\n";
  out += "Trainable params: " + with_commas(trainable_parameters) + "\n";
  out += "Non-trainable params: " + with_commas(total_parameters - trainable_parameters) + "\n";
  return out;
}

std::string summary(Module& module, const std::optional<Shape>& input_shape) {
  return summarize(module, input_shape).to_string();
}

std::ostream& operator<<(std::ostream& os, const Summary& summary) { return os << summary.to_string(); }

}  // namespace minidl::nn
