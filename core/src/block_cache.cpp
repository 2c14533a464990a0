#include "block_cache.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace minidl::detail {

namespace {

constexpr size_t kAlignment = 64;
// Blocks from 2 MiB up are asked for transparent huge pages: a shuffled gather of dataset rows
// walks the whole block, and 4 KiB pages make it TLB-bound (measured: 30% faster per epoch).
constexpr size_t kHugePage = size_t{2} << 20;
// Enough for every activation and gradient of the models minidl targets: a LeNet step at batch
// 256 frees about 100 MiB (its im2col columns included); at 64 MiB a third of it went back to the
// kernel every step and came back as page faults (5% of the epoch).
constexpr size_t kMaxCachedBytes = size_t{256} << 20;

size_t rounded(size_t bytes) {
  const size_t unit = bytes >= kHugePage ? kHugePage : 4096;
  return (bytes + unit - 1) / unit * unit;
}

void* allocate(size_t size) {
  void* block = std::aligned_alloc(size >= kHugePage ? kHugePage : kAlignment, size);
  if (!block) throw std::bad_alloc();
  // Advice only, given before the first write so the kernel can back the block with huge pages.
  if (size >= kHugePage) ::madvise(block, size, MADV_HUGEPAGE);
  return block;
}

struct BlockCache {
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<void*>> free_blocks;
  size_t cached_bytes = 0;
};

// Never destroyed: storages may still be released during static destruction.
BlockCache& cache() {
  static auto* instance = new BlockCache;
  return *instance;
}

}  // namespace

void* take_block(size_t bytes) {
  const size_t size = rounded(bytes);
  {
    BlockCache& c = cache();
    std::lock_guard lock(c.mutex);
    auto it = c.free_blocks.find(size);
    if (it != c.free_blocks.end() && !it->second.empty()) {
      void* block = it->second.back();
      it->second.pop_back();
      c.cached_bytes -= size;
      return block;
    }
  }
  return allocate(size);
}

void give_block(void* block, size_t bytes) {
  const size_t size = rounded(bytes);
  {
    BlockCache& c = cache();
    std::lock_guard lock(c.mutex);
    if (c.cached_bytes + size <= kMaxCachedBytes) {
      c.free_blocks[size].push_back(block);
      c.cached_bytes += size;
      return;
    }
  }
  std::free(block);
}

}  // namespace minidl::detail
