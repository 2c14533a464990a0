#include "minidl/experiment/memory_budget.hpp"

#include <unistd.h>

#include <fmt/format.h>

namespace minidl::experiment {

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
  if (*bytes < 1024) return fmt::format("{} B", *bytes);
  double value = static_cast<double>(*bytes);
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

uint64_t physical_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page_size = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return UINT64_MAX;  // unknown: let the allocator decide
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size);
}

void require_memory(const Options& options, const std::string& key, std::optional<uint64_t> bytes,
                    const std::string& what) {
  const uint64_t memory = physical_memory_bytes();
  if (bytes && *bytes <= memory) return;
  options.fail(key, fmt::format("{} = {}: {} would need {}, more than this machine's {} of memory", options.path(key),
                                to_text(options.value(key)), what, format_bytes(bytes), format_bytes(memory)));
}

}  // namespace minidl::experiment
