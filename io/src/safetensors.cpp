#include "minidl/io/safetensors.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>

#include "minidl/io/file_io.hpp"
#include "minidl/core/error.hpp"

namespace minidl::io {
namespace {

// Tensor bytes are copied as they are in memory, and the format is little-endian.
static_assert(std::endian::native == std::endian::little, "safetensors I/O assumes a little-endian host");

using json = nlohmann::json;

// The dtypes of the format in the order of the reference implementation's Dtype enum,
// which its writer sorts by (descending) before names.
constexpr std::string_view kFormatDtypes[] = {"BOOL", "U8",  "I8",  "F8_E5M2", "F8_E4M3",
                                              "I16",  "U16", "F16", "BF16",    "I32",
                                              "U32",  "F32", "F64", "I64",     "U64"};

int format_rank(std::string_view dtype) {
  return static_cast<int>(std::find(std::begin(kFormatDtypes), std::end(kFormatDtypes), dtype) -
                          std::begin(kFormatDtypes));
}

const char* format_dtype(DType dtype) { return dtype == DType::Float32 ? "F32" : "I64"; }

struct Entry {
  std::string name;
  DType dtype;
  Shape shape;
  uint64_t begin;
  uint64_t end;
};

// Builds the IOError messages of one parse, all starting with the source.
class Reporter {
 public:
  explicit Reporter(std::string_view source) : source_(source) {}
  [[noreturn]] void fail(const std::string& what) const { throw IOError(source_ + ": " + what); }
  [[noreturn]] void fail_tensor(const std::string& name, const std::string& what) const {
    fail("tensor \"" + name + "\": " + what);
  }

 private:
  std::string source_;
};

// A valid header nests three deep (header, entry, shape); anything far deeper is hostile, and
// unbounded nesting would cost memory (and stack, when printed) in proportion to the file.
constexpr int kMaxHeaderDepth = 16;

// A JSON value for an error message: scalars and short strings as written, else "(array)"...
std::string describe_value(const json& v) {
  if (v.is_number() || v.is_boolean() || v.is_null()) return v.dump();
  if (v.is_string() && v.get_ref<const std::string&>().size() <= 32) return v.dump();
  return std::string("(") + v.type_name() + ")";
}

std::optional<uint64_t> as_count(const json& v) {
  if (!v.is_number_unsigned()) return std::nullopt;
  return v.get<uint64_t>();
}

Entry parse_entry(const std::string& name, const json& info, uint64_t data_size, const Reporter& r) {
  if (!info.is_object()) r.fail_tensor(name, std::string("entry must be an object, got ") + info.type_name());
  Entry e{name, DType::Float32, {}, 0, 0};

  auto dtype_it = info.find("dtype");
  if (dtype_it == info.end() || !dtype_it->is_string()) r.fail_tensor(name, "missing string \"dtype\"");
  const auto& dtype = dtype_it->get_ref<const std::string&>();
  if (dtype == "F32") {
    e.dtype = DType::Float32;
  } else if (dtype == "I64") {
    e.dtype = DType::Int64;
  } else if (format_rank(dtype) < static_cast<int>(std::size(kFormatDtypes))) {
    r.fail_tensor(name, "dtype " + dtype + " is not supported (minidl reads F32 and I64)");
  } else {
    r.fail_tensor(name, "unknown dtype \"" + dtype + "\"");
  }

  auto shape_it = info.find("shape");
  if (shape_it == info.end() || !shape_it->is_array()) r.fail_tensor(name, "missing array \"shape\"");
  if (shape_it->size() > static_cast<size_t>(Shape::kMaxDims))
    r.fail_tensor(name, "shape has " + std::to_string(shape_it->size()) + " dims, more than the " +
                            std::to_string(Shape::kMaxDims) + " minidl supports");
  for (const json& d : *shape_it) {
    auto size = as_count(d);
    if (!size || *size > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      r.fail_tensor(name, "shape entry " + describe_value(d) + " is not a non-negative integer");
    e.shape.push_back(static_cast<int64_t>(*size));
  }
  // The checked product counts a 0 dim as 1, as the strides do: [0, 2^62, 2^62] holds no
  // bytes yet cannot be a tensor.
  std::optional<uint64_t> nbytes;
  try {
    nbytes = checked_nbytes(e.shape, e.dtype, "shape");
  } catch (const ValueError&) {
  }

  auto offsets_it = info.find("data_offsets");
  if (offsets_it == info.end() || !offsets_it->is_array() || offsets_it->size() != 2 ||
      !as_count((*offsets_it)[0]) || !as_count((*offsets_it)[1]))
    r.fail_tensor(name, "\"data_offsets\" must be [begin, end] of non-negative integers");
  e.begin = (*offsets_it)[0].get<uint64_t>();
  e.end = (*offsets_it)[1].get<uint64_t>();
  const std::string offsets = "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) + "]";
  if (e.begin > e.end) r.fail_tensor(name, offsets + " end before they begin");
  if (e.end > data_size)
    r.fail_tensor(name, offsets + " lie outside the data region of " + std::to_string(data_size) + " bytes");
  if (!nbytes) r.fail_tensor(name, "shape " + to_string(e.shape) + " has more elements than can be addressed");
  if (*nbytes != e.end - e.begin)
    r.fail_tensor(name, "shape " + to_string(e.shape) + " of " + dtype + " needs " + std::to_string(*nbytes) +
                            " bytes but " + offsets + " span " + std::to_string(e.end - e.begin));
  return e;
}

Metadata parse_metadata(const json& meta, const Reporter& r) {
  if (!meta.is_object()) r.fail(std::string("\"__metadata__\" must be an object, got ") + meta.type_name());
  Metadata out;
  for (const auto& [key, value] : meta.items()) {
    if (!value.is_string())
      r.fail("\"__metadata__\" must map strings to strings, but \"" + key + "\" holds a " + value.type_name());
    out.emplace(key, value.get<std::string>());
  }
  return out;
}

// The format requires the tensors to tile the data region exactly: no overlap, no gap,
// nothing after the last one.
void check_coverage(std::vector<Entry>& entries, uint64_t data_size, const Reporter& r) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  uint64_t covered = 0;
  const Entry* previous = nullptr;
  for (const Entry& e : entries) {
    if (e.begin < covered)
      r.fail_tensor(e.name, "data_offsets [" + std::to_string(e.begin) + ", " + std::to_string(e.end) +
                                ") overlap tensor \"" + previous->name + "\" ending at " + std::to_string(covered));
    if (e.begin > covered)
      r.fail_tensor(e.name, "data begins at " + std::to_string(e.begin) + ", leaving bytes [" +
                                std::to_string(covered) + ", " + std::to_string(e.begin) + ") unused");
    covered = e.end;
    previous = &e;
  }
  if (covered != data_size)
    r.fail("the tensors cover " + std::to_string(covered) + " bytes of a data region of " +
           std::to_string(data_size) + " bytes");
}

template <class T>
void append_bytes(std::vector<uint8_t>& out, const T* data, size_t count) {
  const auto* p = reinterpret_cast<const uint8_t*>(data);
  out.insert(out.end(), p, p + count * sizeof(T));
}

}  // namespace

std::vector<uint8_t> serialize_safetensors(const StateDict& state) {
  std::vector<const StateDict::Entry*> order;
  for (const auto& entry : state) {
    if (entry.first == "__metadata__")
      throw ValueError("safetensors: \"__metadata__\" is reserved and cannot name a tensor");
    if (!entry.second.defined()) throw ValueError("safetensors: tensor \"" + entry.first + "\" is undefined");
    order.push_back(&entry);
  }
  std::sort(order.begin(), order.end(), [](const StateDict::Entry* a, const StateDict::Entry* b) {
    const int ra = format_rank(format_dtype(a->second.dtype()));
    const int rb = format_rank(format_dtype(b->second.dtype()));
    return ra != rb ? ra > rb : a->first < b->first;
  });

  // ordered_json keeps insertion order, which fixes the header bytes.
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!state.metadata.empty()) header["__metadata__"] = state.metadata;
  uint64_t offset = 0;
  for (const auto* entry : order) {
    const Tensor& t = entry->second;
    const uint64_t nbytes = static_cast<uint64_t>(t.numel()) * dtype_size(t.dtype());
    header[entry->first] = {{"dtype", format_dtype(t.dtype())},
                            {"shape", t.shape().to_vector()},
                            {"data_offsets", {offset, offset + nbytes}}};
    offset += nbytes;
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const nlohmann::json::exception& e) {
    throw ValueError(std::string("safetensors: a tensor or metadata name is not valid UTF-8: ") + e.what());
  }
  text.append((8 - text.size() % 8) % 8, ' ');

  std::vector<uint8_t> out;
  out.reserve(8 + text.size() + offset);
  const uint64_t header_size = text.size();
  append_bytes(out, &header_size, 1);
  append_bytes(out, text.data(), text.size());
  for (const auto* entry : order) {
    const Tensor t = entry->second.contiguous();
    if (t.dtype() == DType::Float32)
      append_bytes(out, t.data<float>(), static_cast<size_t>(t.numel()));
    else
      append_bytes(out, t.data<int64_t>(), static_cast<size_t>(t.numel()));
  }
  return out;
}

namespace {

// A library's message for an error: long tokens it quotes are cut, so that a hostile file's
// megabyte-long number is not echoed whole.
std::string clipped(std::string_view text) {
  constexpr size_t kMax = 160;
  return text.size() <= kMax ? std::string(text) : std::string(text.substr(0, kMax)) + "...";
}

StateDict parse_file(std::span<const uint8_t> bytes, const Reporter& r) {
  if (bytes.size() < 8)
    r.fail("file has " + std::to_string(bytes.size()) + " bytes, fewer than the 8-byte header length");
  uint64_t header_size = 0;
  std::memcpy(&header_size, bytes.data(), 8);
  if (header_size > kSafetensorsMaxHeaderBytes)
    r.fail("header length " + std::to_string(header_size) + " exceeds the limit of " +
           std::to_string(kSafetensorsMaxHeaderBytes) + " bytes: not a safetensors file?");
  if (header_size > bytes.size() - 8)
    r.fail("header length " + std::to_string(header_size) + " exceeds the " + std::to_string(bytes.size() - 8) +
           " bytes after it (file truncated?)");
  const uint64_t data_size = bytes.size() - 8 - header_size;
  const auto* header_begin = reinterpret_cast<const char*>(bytes.data() + 8);

  json header;
  auto limit_depth = [&](int depth, json::parse_event_t, json&) {
    if (depth > kMaxHeaderDepth)
      r.fail("header nests deeper than " + std::to_string(kMaxHeaderDepth) + " levels");
    return true;
  };
  try {
    header = json::parse(header_begin, header_begin + header_size, limit_depth);
  } catch (const json::out_of_range& e) {  // a number beyond double, like 1e400
    r.fail(std::string("header holds a number out of range: ") + clipped(e.what()));
  } catch (const json::exception& e) {
    r.fail(std::string("header is not valid JSON: ") + clipped(e.what()));
  }
  if (!header.is_object()) r.fail(std::string("header must be a JSON object, got ") + header.type_name());

  StateDict file;
  std::vector<Entry> entries;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__")
      file.metadata = parse_metadata(info, r);
    else
      entries.push_back(parse_entry(name, info, data_size, r));
  }
  check_coverage(entries, data_size, r);

  const uint8_t* data = bytes.data() + 8 + header_size;
  for (Entry& e : entries) {
    Tensor t = Tensor::empty(e.shape, e.dtype);
    if (e.end > e.begin) {
      void* dst = e.dtype == DType::Float32 ? static_cast<void*>(t.data<float>()) : t.data<int64_t>();
      std::memcpy(dst, data + e.begin, e.end - e.begin);
    }
    file.insert(std::move(e.name), std::move(t));
  }
  return file;
}

}  // namespace

StateDict parse_safetensors(std::span<const uint8_t> bytes, std::string_view source) {
  const Reporter r(source);
  // The checks in parse_file cover the format; this makes sure that whatever they might miss
  // still names the file instead of escaping as a library's own exception.
  try {
    return parse_file(bytes, r);
  } catch (const IOError&) {
    throw;
  } catch (const Error& e) {
    r.fail(e.what());
  } catch (const json::exception& e) {
    r.fail(std::string("malformed header: ") + clipped(e.what()));
  } catch (const std::bad_alloc&) {
    r.fail("not enough memory to load it (" + std::to_string(bytes.size()) + " bytes)");
  }
}

void save_safetensors(const std::filesystem::path& path, const StateDict& state) {
  write_file_atomically(path, serialize_safetensors(state));
}

StateDict load_safetensors(const std::filesystem::path& path) {
  std::vector<uint8_t> bytes;
  try {
    bytes = read_file(path);
  } catch (const std::bad_alloc&) {
    throw IOError(path.string() + ": not enough memory to read the file");
  }
  return parse_safetensors(bytes, path.string());
}

}  // namespace minidl::io
