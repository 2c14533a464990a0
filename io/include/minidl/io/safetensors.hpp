#pragma once
// Reading and writing the safetensors format (https://github.com/huggingface/safetensors):
// an 8-byte little-endian header length N, N bytes of JSON mapping each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (plus an optional "__metadata__" map of
// strings), then the raw little-endian data. minidl reads and writes F32 and I64.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>
#include <vector>

#include "minidl/io/state_dict.hpp"

namespace minidl::io {

/// Largest header accepted, as in the reference implementation: a bigger one is hostile.
inline constexpr uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;

/// The bytes of a safetensors file holding `state`'s tensors and its metadata (as
/// "__metadata__"), laid out as the Python library writes them: tensors sorted by dtype
/// (8-byte types first) then name, "__metadata__" first in the header (omitted when empty),
/// the header padded with spaces to a multiple of 8. The same state therefore always gives
/// the same bytes. Throws ValueError for an undefined tensor or the reserved name "__metadata__".
std::vector<uint8_t> serialize_safetensors(const StateDict& state);

/// Parses and validates safetensors bytes, never reading outside `bytes`. Every problem
/// (short or oversized header, bad JSON, malformed entry, dtype other than F32/I64,
/// shape/size mismatch, offsets out of range, overlapping or leaving gaps) throws IOError
/// starting with `source` (the path, for files). The tensors come in file (data offset) order.
StateDict parse_safetensors(std::span<const uint8_t> bytes, std::string_view source = "<memory>");

/// Writes serialize_safetensors(state) to `path` with write_file_atomically: a crash leaves
/// the old file or the new one, never half of one. Throws IOError naming the path.
void save_safetensors(const std::filesystem::path& path, const StateDict& state);

/// Reads and parses `path`; throws IOError naming the path.
StateDict load_safetensors(const std::filesystem::path& path);

}  // namespace minidl::io
