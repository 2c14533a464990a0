#include "minidl/core/memory_budget.hpp"

#include <unistd.h>

#include <cstdio>

#include "minidl/core/error.hpp"

namespace minidl {

std::optional<uint64_t> tensor_bytes(std::initializer_list<int64_t> dims, uint64_t element_size) {
  uint64_t bytes = element_size;
  for (const int64_t d : dims) {
    if (d < 0 || __builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes)) return std::nullopt;
  }
  return bytes;
}

std::optional<uint64_t> add_bytes(std::optional<uint64_t> a, std::optional<uint64_t> b) {
  uint64_t sum = 0;
  if (!a || !b || __builtin_add_overflow(*a, *b, &sum)) return std::nullopt;
  return sum;
}

std::string format_bytes(std::optional<uint64_t> bytes) {
  if (!bytes) return "over 16 EiB";
  static const char* const kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (*bytes < 1024) return std::to_string(*bytes) + " B";
  double value = static_cast<double>(*bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", value, kUnits[unit]);
  return text;
}

uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return UINT64_MAX;  // unknown: let the allocator decide
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
}

void require_memory(std::string_view component, std::string_view option, const std::string& value,
                    std::optional<uint64_t> bytes, const std::string& what) {
  const uint64_t memory = physical_memory_bytes();
  if (bytes && *bytes <= memory) return;
  throw OptionError(std::string(component), std::string(option),
                    "option " + std::string(option) + " = " + value + ": " + what + " would need " +
                        format_bytes(bytes) + ", more than this machine's " + format_bytes(memory) + " of memory");
}

}  // namespace minidl
