#pragma once
// Internal: recycles large storage blocks by size. A training step frees and re-allocates the
// same activation and gradient sizes every step; without reuse each one is a fresh mmap and
// page faults, which costs more than the arithmetic on it.
#include <cstddef>

namespace minidl::detail {

/// A block of at least `bytes` (64-byte aligned), from the cache when one of that size is free.
void* take_block(size_t bytes);
/// Returns a block from take_block(bytes); kept for reuse while the cache holds < its limit.
void give_block(void* block, size_t bytes);
/// Blocks from this size up go through the cache.
inline constexpr size_t kCachedBlockMin = size_t{64} << 10;

}  // namespace minidl::detail
