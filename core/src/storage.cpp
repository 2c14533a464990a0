#include "minidl/core/storage.hpp"

#include <cstdlib>
#include <new>

#include "block_cache.hpp"

namespace minidl {

Storage::Storage(size_t nbytes) : nbytes_(nbytes) {
  if (nbytes <= kInlineBytes) {
    data_ = inline_;
    return;
  }
  // malloc's 16-byte alignment is enough for unaligned SIMD loads and costs a fifth of
  // aligned_alloc; large blocks come 64-byte aligned from the block cache.
  data_ = nbytes >= detail::kCachedBlockMin ? detail::take_block(nbytes) : std::malloc(nbytes);
  if (!data_) throw std::bad_alloc();
}

Storage::~Storage() {
  if (data_ == inline_) return;
  if (nbytes_ >= detail::kCachedBlockMin) detail::give_block(data_, nbytes_);
  else std::free(data_);
}

}  // namespace minidl
