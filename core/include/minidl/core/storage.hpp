#pragma once
// Storage: one block of bytes, shared by a tensor and all its views. Small blocks live inside
// the Storage object itself, so a tiny tensor costs one allocation, not two.
#include <cstddef>
#include <cstdint>
#include <memory>

namespace minidl {

class Storage {
 public:
  /// Uninitialised storage of `nbytes` bytes (16-byte aligned; 64 from 64 KiB up). Throws
  /// ValueError saying how many bytes were asked for when they cannot be allocated.
  explicit Storage(size_t nbytes);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  void* data() { return data_; }
  const void* data() const { return data_; }
  size_t nbytes() const { return nbytes_; }

  /// Bumped by every in-place write through a tensor; autograd uses it to detect that a value
  /// it saved for backward has been modified since.
  uint64_t version() const { return version_; }
  void bump_version() { ++version_; }

 private:
  static constexpr size_t kInlineBytes = 64;
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  uint64_t version_ = 0;
  alignas(16) std::byte inline_[kInlineBytes];
};

}  // namespace minidl
