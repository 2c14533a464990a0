#include "minidl/core/storage.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

#include "block_cache.hpp"
#include "minidl/core/error.hpp"

namespace minidl {

namespace {
[[noreturn]] void throw_out_of_memory(size_t nbytes) {
  char gib[32];
  std::snprintf(gib, sizeof gib, "%.1f", static_cast<double>(nbytes) / static_cast<double>(size_t{1} << 30));
  throw ValueError("cannot allocate " + std::to_string(nbytes) + " bytes (" + gib + " GiB): out of memory");
}
}  // namespace

Storage::Storage(size_t nbytes) : nbytes_(nbytes) {
  if (nbytes <= kInlineBytes) {
    data_ = inline_;
    return;
  }
  // No block can be that large, and the block cache's rounding up must not wrap around.
  if (nbytes > static_cast<size_t>(INT64_MAX)) throw_out_of_memory(nbytes);
  // malloc's 16-byte alignment is enough for unaligned SIMD loads and costs a fifth of
  // aligned_alloc; large blocks come 64-byte aligned from the block cache.
  try {
    data_ = nbytes >= detail::kCachedBlockMin ? detail::take_block(nbytes) : std::malloc(nbytes);
  } catch (const std::bad_alloc&) {
    data_ = nullptr;
  }
  if (!data_) throw_out_of_memory(nbytes);
}

Storage::~Storage() {
  if (data_ == inline_) return;
  if (nbytes_ >= detail::kCachedBlockMin) detail::give_block(data_, nbytes_);
  else std::free(data_);
}

}  // namespace minidl
