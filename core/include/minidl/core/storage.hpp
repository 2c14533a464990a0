#pragma once
// Storage: one 64-byte-aligned block of bytes, shared by a tensor and all its views.
#include <cstddef>
#include <memory>

namespace minidl {

class Storage {
 public:
  /// Uninitialised storage of `nbytes` bytes (aligned for SIMD loads).
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
  void* data_ = nullptr;
  size_t nbytes_ = 0;
  uint64_t version_ = 0;
};

}  // namespace minidl
