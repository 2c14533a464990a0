#include "minidl/experiment/config_node.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "minidl/experiment/overrides.hpp"
#include "minidl/core/number_text.hpp"
#include "minidl/core/suggest.hpp"
#include "minidl/experiment/yaml_document.hpp"

namespace minidl::experiment {

namespace {

// `prefix` names `path` itself or a node above it ("optimizer" covers "optimizer.lr").
bool covers(const std::string& prefix, const std::string& path) {
  if (prefix.size() > path.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
  return prefix.size() == path.size() || path[prefix.size()] == '.';
}

// Plain (unquoted) scalars get tag "?" from yaml-cpp; quoted ones "!": only plain ones can be
// numbers, booleans or null, as in YAML's core schema.
bool is_plain(const YAML::Node& n) { return n.IsScalar() && n.Tag() != "!"; }

bool parse_double(const std::string& s, double& out) {
  static const std::pair<const char*, double> kSpecial[] = {
      {".inf", INFINITY}, {".Inf", INFINITY}, {".INF", INFINITY}, {"+.inf", INFINITY},
      {"-.inf", -INFINITY}, {"-.Inf", -INFINITY}, {"-.INF", -INFINITY},
      {".nan", NAN}, {".NaN", NAN}, {".NAN", NAN}};
  for (const auto& [text, value] : kSpecial)
    if (s == text) return out = value, true;
  const std::optional<double> number = parse_number(s.starts_with('+') ? std::string_view(s).substr(1) : s);
  if (number) out = *number;
  return number.has_value();
}

bool parse_int(const std::string& s, int64_t& out) {
  const std::optional<int64_t> integer = parse_integer<int64_t>(s.starts_with('+') ? std::string_view(s).substr(1) : s);
  if (integer) out = *integer;
  return integer.has_value();
}

// -1, 0 or 1 as v is below, equal to or above d (not NaN), without rounding v to a double
// (which would make 2^63 - 1 equal to 2^63).
int compare_exactly(int64_t v, double d) {
  if (d >= 0x1p63) return -1;
  if (d < -0x1p63) return 1;
  const double whole = std::trunc(d);
  const auto i = static_cast<int64_t>(whole);  // exact: |whole| < 2^63
  if (v != i) return v < i ? -1 : 1;
  if (whole == d) return 0;
  return d > whole ? -1 : 1;
}

// A plain scalar of digits (with a sign) that is too large for int64.
bool is_int_text(const YAML::Node& n) {
  if (!is_plain(n)) return false;
  const std::string& s = n.Scalar();
  const size_t start = !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
  return s.size() > start && s.find_first_not_of("0123456789", start) == std::string::npos;
}

// " (list elements are named by index: 'model.0')" for a key written as Python indexes a list,
// "model[0]", when `map` holds a list under "model"; else "".
std::string index_hint(const std::string& key, const YAML::Node& map) {
  const size_t open = key.find('[');
  if (open == 0 || open == std::string::npos || key.back() != ']' || key.size() < open + 3) return "";
  const std::string name = key.substr(0, open), index = key.substr(open + 1, key.size() - open - 2);
  if (index.find_first_not_of("0123456789") != std::string::npos) return "";
  const YAML::Node value = map[name];
  if (!value.IsDefined() || !value.IsSequence()) return "";
  return " (list elements are named by index: '" + name + "." + index + "')";
}

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

}  // namespace

Location ConfigSource::locate(const std::string& path, const YAML::Mark& mark) const {
  for (auto it = overrides.rbegin(); it != overrides.rend(); ++it) {
    if (covers(it->path, path)) return {"override '" + it->text + "'"};
    for (const std::string& made : it->created)
      if (made == path) return {"override '" + it->text + "'"};
  }
  if (mark.is_null()) return {file};  // no such key: the caller names the map it is missing from
  return {file, mark.line + 1, mark.column + 1};
}

bool Range::contains(double v) const {
  if (std::isnan(v)) return false;
  const bool above = low_open ? v > low : v >= low;
  const bool below = high_open ? v < high : v <= high;
  return above && below;
}

bool Range::contains_integer(int64_t v) const {
  const int low_side = compare_exactly(v, low), high_side = compare_exactly(v, high);
  const bool above = low_open ? low_side > 0 : low_side >= 0;
  const bool below = high_open ? high_side < 0 : high_side <= 0;
  return above && below;
}

bool Range::unbounded() const { return std::isinf(low) && std::isinf(high); }

std::string Range::to_string() const {
  const bool has_low = !std::isinf(low), has_high = !std::isinf(high);
  if (has_low && has_high)
    return std::string("in ") + (low_open ? "(" : "[") + format_number(low) + ", " +
           format_number(high) + (high_open ? ")" : "]");
  if (has_low) return (low_open ? "> " : ">= ") + format_number(low);
  if (has_high) return (high_open ? "< " : "<= ") + format_number(high);
  return "any value";
}

ConfigNode::ConfigNode(YAML::Node node, std::string path, std::shared_ptr<const ConfigSource> source)
    : node_(std::move(node)), path_(std::move(path)), source_(std::move(source)) {}

ConfigNode& ConfigNode::operator=(const ConfigNode& other) {
  node_.reset(other.node_);
  path_ = other.path_;
  source_ = other.source_;
  return *this;
}

Location ConfigNode::location() const {
  return source_->locate(path_, node_.IsDefined() ? node_.Mark() : YAML::Mark::null_mark());
}

Location ConfigNode::key_location(const std::string& key) const {
  if (node_.IsMap())
    for (const auto& kv : node_)
      if (kv.first.Scalar() == key) return source_->locate(join_path(path_, key), kv.first.Mark());
  return source_->locate(join_path(path_, key), YAML::Mark::null_mark());
}

void ConfigNode::fail(const std::string& problem) const {
  throw ConfigError(location(), path_.empty() ? problem : path_ + ": " + problem);
}

bool ConfigNode::is_null() const { return !node_.IsDefined() || node_.IsNull(); }

bool ConfigNode::is_bool() const {
  if (!is_plain(node_)) return false;
  const std::string& s = node_.Scalar();
  return s == "true" || s == "false" || s == "True" || s == "False" || s == "TRUE" || s == "FALSE";
}

bool ConfigNode::is_int() const {
  int64_t v;
  return is_plain(node_) && parse_int(node_.Scalar(), v);
}

bool ConfigNode::is_number() const {
  double v;
  return is_plain(node_) && parse_double(node_.Scalar(), v);
}

std::string ConfigNode::describe() const {
  if (is_null()) return "nothing (null)";
  if (node_.IsMap()) return "a map";
  if (node_.IsSequence()) return "a list";
  if (is_bool()) return "boolean " + node_.Scalar();
  if (is_number()) return "number " + node_.Scalar();
  return "string '" + node_.Scalar() + "'";
}

ConfigNode ConfigNode::child(YAML::Node node, const std::string& key) const {
  return ConfigNode(std::move(node), join_path(path_, key), source_);
}

bool ConfigNode::has(const std::string& key) const {
  if (!node_.IsMap()) return false;
  const YAML::Node& self = node_;
  const YAML::Node value = self[key];
  return value.IsDefined() && !value.IsNull();
}

ConfigNode ConfigNode::operator[](const std::string& key) const {
  const YAML::Node& self = node_;  // const access: a lookup must not insert the key
  if (!node_.IsMap()) return child(YAML::Node(), key);
  const YAML::Node value = self[key];
  // A missing key gives an invalid node that throws on every query: stand in a plain null.
  return child(value.IsDefined() ? value : YAML::Node(), key);
}

ConfigNode ConfigNode::require(const std::string& key) const {
  expect_map();
  if (!has(key)) {
    // Written without a value (`loss:` in the file, `loss=` as an override): said where it was.
    if (node_.IsMap() && node_[key].IsDefined())
      throw ConfigError(key_location(key), join_path(path_, key) + ": required, but given no value");
    fail("missing key '" + key + "'");
  }
  return (*this)[key];
}

ConfigNode ConfigNode::at(size_t i) const {
  const YAML::Node& self = node_;
  return child(self[i], std::to_string(i));
}

std::vector<std::pair<std::string, ConfigNode>> ConfigNode::entries() const {
  std::vector<std::pair<std::string, ConfigNode>> out;
  if (!node_.IsMap()) return out;
  for (const auto& kv : node_) {
    const std::string key = kv.first.Scalar();
    out.emplace_back(key, child(kv.second, key));
  }
  return out;
}

std::vector<ConfigNode> ConfigNode::items() const {
  std::vector<ConfigNode> out;
  if (!node_.IsSequence()) return out;
  for (size_t i = 0; i < node_.size(); ++i) out.push_back(at(i));
  return out;
}

void ConfigNode::expect_map() const {
  if (!is_null() && !node_.IsMap()) fail("expected a map of keys, got " + describe());
}

void ConfigNode::expect_list() const {
  if (!node_.IsSequence()) fail("expected a list, got " + describe());
}

void ConfigNode::check_keys(std::span<const std::string> known) const {
  expect_map();
  if (!node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string key = kv.first.Scalar();
    bool found = false;
    for (const std::string& k : known) found = found || k == key;
    if (found) continue;
    const std::string where = path_.empty() ? "the config" : "'" + path_ + "'";
    const Location loc = source_->locate(join_path(path_, key), kv.first.Mark());
    const std::string hint = index_hint(key, node_);
    throw ConfigError(loc, "unknown key '" + key + "' in " + where + (hint.empty() ? did_you_mean(key, known) : hint) +
                               "; known keys: " + join_names(known));
  }
}

double ConfigNode::as_number(const Range& range) const {
  double v = 0;
  if (!is_plain(node_) || !parse_double(node_.Scalar(), v))
    fail("expected a number, got " + describe());
  // NaN and infinity are YAML numbers but no setting's value: they would surface later as a
  // "diverged" loss, far from their cause.
  if (!std::isfinite(v)) fail("expected a finite number, got " + node_.Scalar());
  if (!range.contains(v)) fail("expected a number " + range.to_string() + ", got " + node_.Scalar());
  return v;
}

int64_t ConfigNode::as_int(const Range& range) const {
  int64_t v = 0;
  if (!is_plain(node_) || !parse_int(node_.Scalar(), v)) {
    if (is_int_text(node_)) fail("expected an integer from " + std::to_string(INT64_MIN) + " to " +
                                 std::to_string(INT64_MAX) + ", got " + node_.Scalar());
    fail("expected an integer, got " + describe());
  }
  if (!range.contains_integer(v))
    fail("expected an integer " + range.to_string() + ", got " + node_.Scalar());
  return v;
}

bool ConfigNode::as_bool() const {
  if (!is_bool()) fail("expected true or false, got " + describe());
  const char c = node_.Scalar()[0];
  return c == 't' || c == 'T';
}

std::string ConfigNode::as_string() const {
  if (!node_.IsScalar()) fail("expected a string, got " + describe());
  return node_.Scalar();
}

std::vector<double> ConfigNode::as_numbers() const {
  if (!node_.IsSequence()) fail("expected a list of numbers, got " + describe());
  std::vector<double> out;
  for (const ConfigNode& item : items()) out.push_back(item.as_number());
  return out;
}

namespace {

ConfigNode make_tree(const std::string& text, const std::string& origin,
                     std::span<const std::string> overrides) {
  auto source = std::make_shared<ConfigSource>();
  source->file = origin;
  YAML::Node root = parse_yaml_document(text, origin, /*positions=*/true);
  if (!root.IsMap() && !root.IsNull())
    throw ConfigError(Location{origin}, "expected a map of keys at the top of the file");
  for (const std::string& text_override : overrides) {
    const Override o = parse_override(text_override);
    source->overrides.push_back({o.path, o.text, apply_override(root, o)});
  }
  return ConfigNode(root, "", std::move(source));
}

}  // namespace

ConfigNode load_config_tree(const std::string& file, std::span<const std::string> overrides) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) throw IOError("'" + file + "' is a folder, not a config file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IOError("cannot read config file '" + file + "'");
  std::stringstream text;
  text << in.rdbuf();
  return make_tree(text.str(), file, overrides);
}

ConfigNode parse_config_tree(const std::string& text, const std::string& origin,
                             std::span<const std::string> overrides) {
  return make_tree(text, origin, overrides);
}

}  // namespace minidl::experiment
