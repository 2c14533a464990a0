#pragma once
// Sizes a component's options ask for, checked before anything is allocated: a layer or
// dataset too large for this machine is an OptionError naming the option and how much memory it
// would need, instead of an integer overflow, a crash or std::bad_alloc.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace minidl {

/// Bytes of a tensor of `dims` with elements of `element_size` bytes; nullopt when that does
/// not fit in 64 bits.
std::optional<uint64_t> tensor_bytes(std::initializer_list<int64_t> dims, uint64_t element_size);
/// a + b, nullopt when either is or the sum overflows.
std::optional<uint64_t> add_bytes(std::optional<uint64_t> a, std::optional<uint64_t> b);

/// "512 B", "1.5 KiB", "23.4 GiB"; nullopt reads "over 16 EiB".
std::string format_bytes(std::optional<uint64_t> bytes);

/// This machine's physical memory, the most a run's tensors can sensibly take.
uint64_t physical_memory_bytes();

/// Throws OptionError naming `option` of `component` (whose value is `value`) when `bytes`
/// exceed this machine's memory: "option out = N: <what> would need X, more than ... Y".
void require_memory(std::string_view component, std::string_view option, const std::string& value,
                    std::optional<uint64_t> bytes, const std::string& what);

}  // namespace minidl
