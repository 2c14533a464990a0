#pragma once
// The image data sources: Fashion-MNIST where Debian's dataset-fashion-mnist installs it, and
// MNIST-format (IDX) files of any origin. dataset_registry.cpp registers them.
#include <memory>
#include <string>
#include <string_view>
#include <tuple>

#include "minidl/experiment/dataset_registry.hpp"

namespace minidl::experiment {

inline constexpr std::string_view kFashionMnistSplits[] = {"train", "test"};

/// `{type: fashion_mnist, split: train|test, root: ...}`.
struct FashionMnistOptions {
  std::string split;
  std::string root = "/usr/share/datasets/fashion-mnist";
  static constexpr auto fields() {
    return std::tuple{
        option("split", &FashionMnistOptions::split, check::one_of(kFashionMnistSplits),
               "train (60000 images) or test (10000)")
            .required(),
        option("root", &FashionMnistOptions::root, check::not_empty,
               "folder of the four IDX files (gzip or plain); `make deps` installs them here")};
  }
};

/// `{type: idx, images: FILE, labels: FILE}`.
struct IdxSourceOptions {
  std::string images;
  std::string labels;
  static constexpr auto fields() {
    return std::tuple{option("images", &IdxSourceOptions::images, check::not_empty,
                             "IDX image file, gzip or plain (relative to the working directory)")
                          .required(),
                      option("labels", &IdxSourceOptions::labels, check::not_empty,
                             "IDX label file, one label per image")
                          .required()};
  }
};

/// Fashion-MNIST's `split` as float32 [N, 1, 28, 28] images in [0, 1] with int64 labels.
std::shared_ptr<const data::Dataset> load_fashion_mnist(const FashionMnistOptions& options, const DatasetContext&);
/// The images and labels of two IDX files.
std::shared_ptr<const data::Dataset> load_idx(const IdxSourceOptions& options, const DatasetContext&);

}  // namespace minidl::experiment
