#pragma once
// IDX files (the MNIST format, as Fashion-MNIST ships it): unsigned-byte images and labels,
// gzip-compressed or plain.
#include <optional>
#include <string>

#include "minidl/data/tensor_dataset.hpp"

namespace minidl::data {

/// The images of an IDX file (magic 0x00000803: N x rows x cols unsigned bytes) as float32
/// [N, 1, rows, cols], each byte divided by 255 in float32 as torchvision's ToTensor does. The
/// file may be gzip-compressed (zlib tells by its first bytes) or plain. Throws IOError naming
/// the file for: a file that cannot be opened or decompressed, a wrong magic number (not IDX,
/// not unsigned bytes, or not 3 dimensions), a zero size, data shorter or longer than the header
/// declares, or more data than this machine's memory holds (checked before allocating).
Tensor read_idx_images(const std::string& path);

/// The labels of an IDX file (magic 0x00000801: N unsigned bytes) as int64 [N]; errors as
/// read_idx_images.
Tensor read_idx_labels(const std::string& path);

/// An image classification dataset from an IDX image file and an IDX label file: features
/// float32 [N, 1, rows, cols] in [0, 1], targets int64 [N].
class IdxDataset : public TensorDataset {
 public:
  /// `classes`: the number of classes the data set defines (10 for Fashion-MNIST), else the
  /// largest label + 1. Throws what the readers throw, IOError naming both files when their
  /// counts differ, and IOError naming the label file for a label >= `classes`.
  IdxDataset(const std::string& images_path, const std::string& labels_path,
             std::optional<int64_t> classes = std::nullopt);

  const std::string& images_path() const { return images_path_; }
  const std::string& labels_path() const { return labels_path_; }

 private:
  std::string images_path_;
  std::string labels_path_;
};

}  // namespace minidl::data
