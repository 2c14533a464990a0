#include "block_cache.hpp"

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>

namespace minidl::detail {

namespace {

constexpr size_t kAlignment = 64;
// Enough for every activation and gradient of the models minidl targets, small beside them.
constexpr size_t kMaxCachedBytes = size_t{64} << 20;

size_t rounded(size_t bytes) { return (bytes + 4095) / 4096 * 4096; }

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
  void* block = std::aligned_alloc(kAlignment, size);
  if (!block) throw std::bad_alloc();
  return block;
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
