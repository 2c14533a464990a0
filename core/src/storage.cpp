#include "minidl/core/storage.hpp"

#include <cstdlib>
#include <new>

namespace minidl {

namespace {
constexpr size_t kAlignment = 64;          // a cache line, and enough for AVX-512 loads
constexpr size_t kAlignedFrom = 4096;      // below this, malloc's 16 bytes do and cost less
}  // namespace

Storage::Storage(size_t nbytes) : nbytes_(nbytes) {
  if (nbytes <= kInlineBytes) {
    data_ = inline_;
    return;
  }
  if (nbytes < kAlignedFrom) {
    data_ = std::malloc(nbytes);
  } else {
    data_ = std::aligned_alloc(kAlignment, (nbytes + kAlignment - 1) / kAlignment * kAlignment);
  }
  if (!data_) throw std::bad_alloc();
}

Storage::~Storage() {
  if (data_ != inline_) std::free(data_);
}

}  // namespace minidl
