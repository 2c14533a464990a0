#include "minidl/core/storage.hpp"

#include <cstdlib>
#include <new>

namespace minidl {

namespace {
constexpr size_t kAlignment = 64;  // a cache line, and enough for AVX-512 loads
}

Storage::Storage(size_t nbytes) : nbytes_(nbytes) {
  const size_t rounded = (nbytes + kAlignment - 1) / kAlignment * kAlignment;
  data_ = std::aligned_alloc(kAlignment, rounded == 0 ? kAlignment : rounded);
  if (!data_) throw std::bad_alloc();
}

Storage::~Storage() { std::free(data_); }

}  // namespace minidl
