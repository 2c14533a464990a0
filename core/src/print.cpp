// Printing in PyTorch's style: one width for every element, 4 decimals (or scientific
// notation for wide ranges), rows indented under "tensor(", "..." past 1000 elements.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "minidl/core/tensor.hpp"

namespace minidl {

namespace {

constexpr int64_t kSummarizeAbove = 1000;
constexpr int64_t kEdgeItems = 3;

struct Format {
  bool integer = false;      // int64 tensor
  bool int_valued = false;   // float tensor whose finite values are all whole numbers
  bool scientific = false;
  int width = 1;
};

std::string format_value(double v, const Format& f) {
  char buf[64];
  if (f.integer) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  else if (std::isnan(v)) std::snprintf(buf, sizeof buf, "nan");
  else if (std::isinf(v)) std::snprintf(buf, sizeof buf, v > 0 ? "inf" : "-inf");
  else if (f.scientific) std::snprintf(buf, sizeof buf, "%.4e", v);
  else if (f.int_valued) std::snprintf(buf, sizeof buf, "%.0f.", v);
  else std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

// The values shown: all of them, or the edge items of each dim when summarising.
void collect(const Tensor& t, bool summarize, std::vector<double>& out) {
  if (t.dim() == 0) {
    out.push_back(t.dtype() == DType::Int64 ? static_cast<double>(t.at_int64({})) : t.at({}));
    return;
  }
  const int64_t n = t.size(0);
  for (int64_t i = 0; i < n; ++i) {
    if (summarize && n > 2 * kEdgeItems && i == kEdgeItems) i = n - kEdgeItems;
    collect(t.select(0, i), summarize, out);
  }
}

Format choose_format(const Tensor& t, const std::vector<double>& values) {
  Format f;
  f.integer = t.dtype() == DType::Int64;
  if (!f.integer) {
    double max_abs = 0, min_abs = INFINITY;
    f.int_valued = true;
    for (double v : values) {
      if (!std::isfinite(v)) continue;
      if (v != std::nearbyint(v)) f.int_valued = false;
      max_abs = std::max(max_abs, std::fabs(v));
      if (v != 0) min_abs = std::min(min_abs, std::fabs(v));
    }
    if (min_abs == INFINITY) min_abs = 0;
    f.scientific = f.int_valued ? max_abs > 1e8
                                : (max_abs > 1e8 || (min_abs > 0 && (min_abs < 1e-4 || max_abs / min_abs > 1000)));
  }
  for (double v : values) f.width = std::max<int>(f.width, static_cast<int>(format_value(v, f).size()));
  return f;
}

void print_rec(std::ostream& os, const Tensor& t, const Format& f, bool summarize, int indent) {
  if (t.dim() == 0) {
    const double v = t.dtype() == DType::Int64 ? static_cast<double>(t.at_int64({})) : t.at({});
    const std::string s = format_value(v, f);
    os << std::string(static_cast<size_t>(f.width) - s.size(), ' ') << s;
    return;
  }
  os << '[';
  const int64_t n = t.size(0);
  for (int64_t i = 0; i < n; ++i) {
    if (i > 0) {
      os << ',';
      if (t.dim() == 1) os << ' ';
      else os << std::string(static_cast<size_t>(t.dim() - 1), '\n') << std::string(static_cast<size_t>(indent + 1), ' ');
    }
    if (summarize && n > 2 * kEdgeItems && i == kEdgeItems) {
      os << "...";
      os << ',';
      if (t.dim() == 1) os << ' ';
      else os << std::string(static_cast<size_t>(t.dim() - 1), '\n') << std::string(static_cast<size_t>(indent + 1), ' ');
      i = n - kEdgeItems;
    }
    print_rec(os, t.select(0, i), f, summarize, indent + 1);
  }
  os << ']';
}

}  // namespace

std::ostream& operator<<(std::ostream& os, const Tensor& t) {
  if (!t.defined()) return os << "tensor(undefined)";
  os << "tensor(";
  if (t.numel() == 0) {
    os << "[]";
    if (t.dim() != 1) {
      os << ", size=(";
      for (int i = 0; i < t.dim(); ++i) os << (i ? ", " : "") << t.shape()[i];
      os << (t.dim() == 1 ? ",)" : ")");
    }
  } else {
    const bool summarize = t.numel() > kSummarizeAbove;
    std::vector<double> values;
    collect(t, summarize, values);
    print_rec(os, t, choose_format(t, values), summarize, 7);
  }
  return os << ')';
}

}  // namespace minidl
