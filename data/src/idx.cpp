#include "minidl/data/idx.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "minidl/core/memory_budget.hpp"

namespace minidl::data {

namespace {

constexpr uint8_t kUnsignedByte = 0x08;

// The element types the IDX format defines, for messages.
std::string type_name(uint8_t code) {
  switch (code) {
    case 0x08: return "unsigned byte";
    case 0x09: return "signed byte";
    case 0x0B: return "int16";
    case 0x0C: return "int32";
    case 0x0D: return "float32";
    case 0x0E: return "float64";
    default: return "no IDX type";
  }
}

std::string magic_text(uint8_t type, uint8_t dims) {
  return fmt::format("0x0000{:02X}{:02X}", type, dims);
}

/// What a reader expects: the number of dimensions and how the data is named in messages.
struct IdxKind {
  uint8_t dims;
  const char* file;  // "an image file"
};

constexpr IdxKind kImages{3, "an image file"};
constexpr IdxKind kLabels{1, "a label file"};

struct GzClose {
  void operator()(gzFile_s* file) const { gzclose(file); }
};

/// An open IDX file, decompressed on the fly when it is gzip (zlib reads plain files as they are).
class IdxFile {
 public:
  explicit IdxFile(std::string path) : path_(std::move(path)) {
    std::error_code ignored;
    if (std::filesystem::is_directory(path_, ignored)) fail("is a directory, not an IDX file");
    errno = 0;
    file_.reset(gzopen(path_.c_str(), "rb"));
    if (!file_) fail(std::string("cannot open the IDX file (") + (errno ? std::strerror(errno) : "out of memory") + ")");
  }

  [[noreturn]] void fail(const std::string& problem) const { throw IOError(path_ + ": " + problem); }

  /// Reads up to `n` bytes into `to`; fewer only at the end of the data.
  uint64_t read(void* to, uint64_t n) {
    constexpr uint64_t kMaxCall = uint64_t{1} << 30;  // gzread counts in unsigned int
    uint64_t got = 0;
    while (got < n) {
      const auto ask = static_cast<unsigned>(std::min(n - got, kMaxCall));
      const int r = gzread(file_.get(), static_cast<char*>(to) + got, ask);
      if (r < 0) fail("cannot read the IDX file (" + zlib_error() + ")");
      if (r == 0) break;
      got += static_cast<uint64_t>(r);
    }
    return got;
  }

  /// Whether the data are gzip-compressed (known after the first read).
  bool compressed() { return gzdirect(file_.get()) == 0; }
  /// " (the gzip stream ends early)" when a short read came from a cut compressed file, else "".
  std::string cut_stream_note() {
    int code = Z_OK;
    gzerror(file_.get(), &code);
    return code == Z_BUF_ERROR ? " (the gzip stream ends early)" : "";
  }
  const std::string& path() const { return path_; }
  /// The file's size on disk, compressed or not; none when the file system cannot say.
  std::optional<uint64_t> size() const {
    std::error_code ec;
    const uintmax_t bytes = std::filesystem::file_size(path_, ec);
    return ec ? std::nullopt : std::optional<uint64_t>(bytes);
  }

 private:
  std::string zlib_error() {
    int code = Z_OK;
    std::string_view message = gzerror(file_.get(), &code);
    if (code == Z_ERRNO) return std::strerror(errno);
    if (message.starts_with(path_ + ": ")) message.remove_prefix(path_.size() + 2);  // named once, by fail()
    return "zlib: " + std::string(message);
  }

  std::string path_;
  std::unique_ptr<gzFile_s, GzClose> file_;
};

/// Reads and checks the magic number and the sizes; returns the sizes.
std::vector<int64_t> read_header(IdxFile& file, const IdxKind& kind) {
  const std::string expected = magic_text(kUnsignedByte, kind.dims);
  std::array<uint8_t, 4> magic{};
  const uint64_t got = file.read(magic.data(), magic.size());
  if (got == 0) file.fail("empty file, expected an IDX header starting with the magic number " + expected);
  if (got < magic.size())
    file.fail("truncated header: expected a 4-byte magic number " + expected + ", the file has " +
              std::to_string(got) + " bytes");
  const std::string found = fmt::format("0x{:02X}{:02X}{:02X}{:02X}", magic[0], magic[1], magic[2], magic[3]);
  if (magic[0] != 0 || magic[1] != 0)
    file.fail("not an IDX file: expected the magic number " + expected + " (" + kind.file + "), got " + found);
  if (magic[2] != kUnsignedByte)
    file.fail("expected unsigned-byte data (magic number " + expected + "), got type code " +
              fmt::format("0x{:02X}", magic[2]) + " (" + type_name(magic[2]) + ")");
  if (magic[3] != kind.dims)
    file.fail(fmt::format("expected {} dimension{} (magic number {}, {}), got {} (magic number {}{})", kind.dims,
                          kind.dims == 1 ? "" : "s", expected, kind.file, magic[3], found,
                          magic[3] == kImages.dims  ? ", an image file"
                          : magic[3] == kLabels.dims ? ", a label file"
                                                     : ""));
  std::vector<uint8_t> bytes(4 * size_t{kind.dims});
  if (const uint64_t n = file.read(bytes.data(), bytes.size()); n < bytes.size())
    file.fail("truncated header: expected " + std::to_string(bytes.size()) + " bytes of sizes after the magic number, got " +
              std::to_string(n));
  std::vector<int64_t> sizes;
  for (size_t d = 0; d < kind.dims; ++d) {
    const uint8_t* b = &bytes[4 * d];
    sizes.push_back(int64_t{b[0]} << 24 | int64_t{b[1]} << 16 | int64_t{b[2]} << 8 | int64_t{b[3]});
  }
  return sizes;
}

/// Receives the data a chunk at a time: `n` bytes that start `offset` bytes into the data.
using DataSink = std::function<void(const uint8_t* bytes, uint64_t offset, uint64_t n)>;

/// Reads the `count` bytes of data the header declares (`declared`, in words: "10 images of
/// 28x28") a chunk at a time into `sink`, and checks that the file ends there. Without a sink the
/// data are only counted: the file cannot hold what its header declares, and the error says how
/// much it does hold.
void read_data(IdxFile& file, uint64_t header_bytes, uint64_t count, const std::string& declared,
               const DataSink& sink) {
  const auto truncated = [&](uint64_t got) {
    file.fail(fmt::format("truncated data: the header declares {} ({} bytes), the file has {}{}", declared, count, got,
                          file.cut_stream_note()));
  };
  const auto trailing = [&](uint64_t extra) {
    file.fail(fmt::format("{} bytes after the {} the header declares (expected the file to end there)", extra,
                          declared));
  };
  // A plain file's size is known: a wrong one is reported before anything is read.
  if (!file.compressed())
    if (const std::optional<uint64_t> size = file.size(); size && *size != header_bytes + count)
      *size < header_bytes + count ? truncated(*size - header_bytes) : trailing(*size - header_bytes - count);
  // One chunk, reused: it stays in the cache between the inflating and the sink's reading.
  constexpr uint64_t kChunk = uint64_t{1} << 20;
  std::vector<uint8_t> chunk(static_cast<size_t>(std::min(count, kChunk)));
  for (uint64_t done = 0; done < count;) {
    const uint64_t want = std::min(count - done, kChunk);
    const uint64_t got = file.read(chunk.data(), want);
    if (got < want) truncated(done + got);
    if (sink) sink(chunk.data(), done, got);
    done += got;
  }
  uint64_t extra = 0;
  uint8_t rest[4096];
  while (const uint64_t got = file.read(rest, sizeof rest)) extra += got;
  if (extra > 0) trailing(extra);
}

/// Whether the file can hold the `count` bytes of data its header declares. A compressed file
/// of s bytes inflates to at most about 1032 s (deflate's best ratio): a header that declares
/// more lies, and the tensor is not allocated for it (a fuzzer's 4 kB file may not claim 4 GB).
bool can_hold(IdxFile& file, uint64_t header_bytes, uint64_t count) {
  constexpr uint64_t kMaxDeflateRatio = 1032;
  const std::optional<uint64_t> size = file.size();
  if (!size) return true;  // not a regular file (a pipe): the memory check above is the bound
  return file.compressed() ? count / kMaxDeflateRatio <= *size : *size == header_bytes + count;
}

/// Fails, saying how much data the file holds, unless it can hold what its header declares.
void check_can_hold(IdxFile& file, uint64_t header_bytes, uint64_t count, const std::string& declared) {
  if (can_hold(file, header_bytes, count)) return;
  read_data(file, header_bytes, count, declared, nullptr);  // fails: the data end early
  file.fail("the header declares " + declared + ", more than the file can hold");
}

/// Fails unless a tensor of `dims` with `element_size`-byte elements fits in this machine's memory.
void check_memory(const IdxFile& file, std::initializer_list<int64_t> dims, uint64_t element_size,
                  const std::string& declared, const char* dtype) {
  const std::optional<uint64_t> bytes = tensor_bytes(dims, element_size);
  const uint64_t memory = physical_memory_bytes();
  if (!bytes || *bytes > memory)
    file.fail("the header declares " + declared + ": as " + dtype + " that needs " + format_bytes(bytes) +
              ", more than this machine's " + format_bytes(memory) + " of memory");
}

std::string plural(int64_t n, const char* noun) { return std::to_string(n) + " " + noun + (n == 1 ? "" : "s"); }

}  // namespace

Tensor read_idx_images(const std::string& path) {
  IdxFile file(path);
  const std::vector<int64_t> sizes = read_header(file, kImages);
  const int64_t n = sizes[0], rows = sizes[1], cols = sizes[2];
  const std::string declared = plural(n, "image") + " of " + std::to_string(rows) + "x" + std::to_string(cols);
  if (n == 0 || rows == 0 || cols == 0) file.fail("the header declares " + declared + " pixels: nothing to read");
  check_memory(file, {n, rows, cols}, sizeof(float), declared, "float32");
  const uint64_t header_bytes = 4 + 4 * kImages.dims, count = static_cast<uint64_t>(n * rows * cols);
  check_can_hold(file, header_bytes, count, declared);
  // Each chunk is converted as it arrives: the bytes of the whole set never sit in memory, whose
  // fresh 4 kB pages cost more than the conversion (a third of Fashion-MNIST's loading).
  Tensor images = Tensor::empty({n, 1, rows, cols}, DType::Float32);
  // torchvision's ToTensor: the byte as float32, divided by 255 in float32.
  std::array<float, 256> value{};
  for (size_t b = 0; b < value.size(); ++b) value[b] = static_cast<float>(b) / 255.0f;
  float* out = images.data<float>();
  read_data(file, header_bytes, count, declared, [&](const uint8_t* bytes, uint64_t offset, uint64_t size) {
    std::transform(bytes, bytes + size, out + offset, [&](uint8_t b) { return value[b]; });
  });
  return images;
}

Tensor read_idx_labels(const std::string& path) {
  IdxFile file(path);
  const int64_t n = read_header(file, kLabels)[0];
  const std::string declared = plural(n, "label");
  if (n == 0) file.fail("the header declares 0 labels: nothing to read");
  check_memory(file, {n}, sizeof(int64_t), declared, "int64");
  const uint64_t header_bytes = 4 + 4 * kLabels.dims, count = static_cast<uint64_t>(n);
  check_can_hold(file, header_bytes, count, declared);
  Tensor labels = Tensor::empty({n}, DType::Int64);
  int64_t* out = labels.data<int64_t>();
  read_data(file, header_bytes, count, declared, [&](const uint8_t* bytes, uint64_t offset, uint64_t size) {
    std::copy(bytes, bytes + size, out + offset);
  });
  return labels;
}

namespace {
// A label beyond the data set's classes is a damaged file: named here, with the file.
void check_labels_within(const std::string& path, const Tensor& labels, int64_t classes) {
  const int64_t* label = labels.data<int64_t>();
  for (int64_t i = 0; i < labels.numel(); ++i)
    if (label[i] >= classes)
      throw IOError(path + ": label " + std::to_string(label[i]) + " of image " + std::to_string(i) +
                    " is outside the data set's " + std::to_string(classes) + " classes (0 to " +
                    std::to_string(classes - 1) + ")");
}

std::pair<Tensor, Tensor> read_images_and_labels(const std::string& images_path, const std::string& labels_path,
                                                 std::optional<int64_t> classes) {
  Tensor labels = read_idx_labels(labels_path);
  if (classes) check_labels_within(labels_path, labels, *classes);
  Tensor images = read_idx_images(images_path);
  if (images.size(0) != labels.size(0))
    throw IOError(images_path + " has " + plural(images.size(0), "image") + " but " + labels_path + " has " +
                  plural(labels.size(0), "label") + ": expected one label per image");
  return {std::move(images), std::move(labels)};
}
}  // namespace

IdxDataset::IdxDataset(const std::string& images_path, const std::string& labels_path,
                       std::optional<int64_t> classes)
    : TensorDataset(read_images_and_labels(images_path, labels_path, classes), classes),
      images_path_(images_path),
      labels_path_(labels_path) {}

}  // namespace minidl::data
