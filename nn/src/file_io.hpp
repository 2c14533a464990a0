#pragma once
// Whole-file reads and crash-safe writes, with errors that name the path.
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace minidl::nn::detail {

/// The bytes of the regular file at `path`; throws IOError naming it.
std::vector<uint8_t> read_file(const std::filesystem::path& path);

/// Replaces `path` with `bytes`: written to a temporary file in the same directory, fsync'd,
/// renamed over `path`, and the directory fsync'd, so readers see the old or the new file.
void write_file_atomically(const std::filesystem::path& path, std::span<const uint8_t> bytes);

}  // namespace minidl::nn::detail
