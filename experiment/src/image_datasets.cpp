#include "image_datasets.hpp"

#include <filesystem>

#include "data_file.hpp"
#include "minidl/data/idx.hpp"

namespace minidl::experiment {

namespace {

// Fashion-MNIST's labels name 10 kinds of clothing, whatever a file holds.
constexpr int64_t kFashionMnistClasses = 10;

bool is_file(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

// `<root>/<name>.gz` as Debian ships it, else `<root>/<name>` as torchvision's raw folder has it.
std::string fashion_mnist_file(const std::string& root, const std::string& name) {
  const std::string path = (std::filesystem::path(root) / name).string();
  if (is_file(path + ".gz")) return path + ".gz";
  if (is_file(path)) return path;
  std::error_code ec;
  const std::string where = std::filesystem::is_directory(root, ec) ? "'" + root + "' has no " + name + ".gz (nor " + name + ")"
                             : std::filesystem::exists(root, ec)    ? "'" + root + "' is a file, not a folder"
                                                                     : "folder '" + root + "' does not exist";
  throw OptionError("fashion_mnist", "root",
                    where + ": install the Debian package dataset-fashion-mnist (`make deps` does), or set root to "
                            "a folder with the four Fashion-MNIST IDX files");
}

}  // namespace

std::shared_ptr<const data::Dataset> load_fashion_mnist(const FashionMnistOptions& o, const DatasetContext&) {
  const std::string prefix = o.split == "train" ? "train" : "t10k";
  const std::string images = fashion_mnist_file(o.root, prefix + "-images-idx3-ubyte");
  const std::string labels = fashion_mnist_file(o.root, prefix + "-labels-idx1-ubyte");
  return data::share(data::IdxDataset(images, labels, kFashionMnistClasses));
}

std::shared_ptr<const data::Dataset> load_idx(const IdxSourceOptions& o, const DatasetContext&) {
  require_data_file("idx", "images", o.images);
  require_data_file("idx", "labels", o.labels);
  return data::share(data::IdxDataset(o.images, o.labels));
}

}  // namespace minidl::experiment
