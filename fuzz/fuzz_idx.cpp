// libFuzzer target: the IDX readers on an arbitrary file (plain or gzip). The first byte picks
// the reader (images or labels), the rest is the file. An IOError is the expected answer to a
// malformed file; what loads must have the promised shape and values.
#include <cstdint>

#include "fuzz_support.hpp"
#include "minidl/data/idx.hpp"

namespace {

void check_images(const minidl::Tensor& images) {
  if (images.dim() != 4 || images.size(1) != 1 || images.numel() == 0) minidl::fuzz::finding("images have the wrong shape");
  for (const float v : images.to_vector())
    if (!(v >= 0.0f && v <= 1.0f)) minidl::fuzz::finding("a pixel outside [0, 1] was loaded");
}

void check_labels(const minidl::Tensor& labels) {
  if (labels.dim() != 1 || labels.numel() == 0) minidl::fuzz::finding("labels have the wrong shape");
  for (const int64_t label : labels.to_int64_vector())
    if (label < 0 || label > 255) minidl::fuzz::finding("a label outside [0, 255] was loaded");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static minidl::fuzz::InputFile file("idx", ".idx");
  if (size == 0) return 0;
  const auto& path = file.write(data + 1, size - 1);
  try {
    if (data[0] & 1)
      check_labels(minidl::data::read_idx_labels(path.string()));
    else
      check_images(minidl::data::read_idx_images(path.string()));
  } catch (const minidl::IOError&) {
  }
  return 0;
}
