// libFuzzer target: parse_safetensors on arbitrary bytes. A minidl::Error is the expected answer
// to a malformed file; anything else escaping, a sanitizer report or a leak is a finding. A file
// that parses must also survive a write and a re-read with the same tensors and metadata.
#include <cstdint>
#include <cstring>
#include <span>

#include "fuzz_support.hpp"
#include "minidl/io/safetensors.hpp"

namespace {

/// The tensor's bytes (safetensors holds F32 and I64 only).
const void* bytes_of(const minidl::Tensor& t) {
  if (t.dtype() == minidl::DType::Int64) return t.data<int64_t>();
  return t.data<float>();
}

bool same_tensor(const minidl::Tensor& a, const minidl::Tensor& b) {
  if (a.shape() != b.shape() || a.dtype() != b.dtype()) return false;
  const auto size = static_cast<size_t>(a.numel()) * minidl::dtype_size(a.dtype());
  return size == 0 || std::memcmp(bytes_of(a), bytes_of(b), size) == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace minidl;
  io::StateDict file;
  try {
    file = io::parse_safetensors(std::span(data, size), "fuzz.safetensors");
  } catch (const Error&) {
    return 0;
  }
  const std::vector<uint8_t> written = io::serialize_safetensors(file);
  const io::StateDict reread = io::parse_safetensors(written, "rewritten.safetensors");
  if (reread.metadata != file.metadata || reread.size() != file.size())
    fuzz::finding("re-reading a written file gave other metadata or another tensor count");
  for (const auto& [name, tensor] : file) {
    const Tensor* again = reread.find(name);
    if (!again || !same_tensor(*again, tensor)) fuzz::finding("re-reading a written file changed tensor " + name);
  }
  return 0;
}
