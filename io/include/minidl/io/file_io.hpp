#pragma once
// Whole-file reads and crash-safe writes, with errors that name the path and the reason
// (the system's errno text). Every file minidl writes goes through these.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

namespace minidl::io {

/// The bytes of the regular file at `path`; throws IOError naming it.
std::vector<uint8_t> read_file(const std::filesystem::path& path);

/// Replaces `path` with `bytes`: written to a uniquely named temporary file in the same
/// directory (".<name>.tmp-XXXXXX"), fsync'd, renamed over `path`, and the directory fsync'd,
/// so readers see the old or the new file. The temporary file is removed on every error. A
/// symbolic link stays: the file it points to is replaced. A device, pipe or socket
/// (/dev/null, /dev/stdout) is written to as it is.
void write_file_atomically(const std::filesystem::path& path, std::span<const uint8_t> bytes);
void write_file_atomically(const std::filesystem::path& path, std::string_view text);

/// Appends `text` to the existing file `path` and fsyncs it; on an error the file is cut back
/// to its previous length, so it never keeps half of `text`.
void append_file_durably(const std::filesystem::path& path, std::string_view text);

/// Removes the temporary files that write_file_atomically left in `dir` when its process was
/// killed mid-write. Only safe while no other process writes into `dir`.
void remove_interrupted_writes(const std::filesystem::path& dir);

}  // namespace minidl::io
