#pragma once
// ConfigNode: a YAML node that knows its dotted path and where its text came from, with
// strictly typed readers whose errors name file:line:column (or the override that set it).
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "minidl/experiment/config_error.hpp"

namespace minidl::experiment {

/// What a config tree was read from: its file and the overrides applied to it, in order.
struct ConfigSource {
  /// One applied `path=value` override.
  struct Applied {
    std::string path;  // "optimizer.lr"
    std::string text;  // "optimizer.lr=0.1"
    /// Maps it created on the way to its path ("scheduler" for `scheduler.type=step`).
    std::vector<std::string> created;
  };
  std::string file;
  std::vector<Applied> overrides;

  /// The location of the node at `path`: the last override that wrote it (or a node above
  /// it) or created it on the way, else the file position of `mark` (a node of the file).
  /// Origins go by path, not by mark: a node an override wrote has marks in the override's
  /// text, which would read as positions in the file.
  Location locate(const std::string& path, const YAML::Mark& mark) const;
};

/// Allowed values of a number: "[0, 1)", ">= 1", "> 0".
struct Range {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool low_open = false;
  bool high_open = false;

  static Range at_least(double low) { return {low, Range{}.high, false, false}; }
  static Range greater_than(double low) { return {low, Range{}.high, true, false}; }
  static Range closed(double low, double high) { return {low, high, false, false}; }
  /// [low, high): low included, high excluded (probabilities, betas).
  static Range half_open(double low, double high) { return {low, high, false, true}; }
  static Range any() { return {}; }

  bool contains(double v) const;
  /// contains() for an integer, compared exactly.
  bool contains_integer(int64_t v) const;
  bool unbounded() const;
  std::string to_string() const;
};

class ConfigNode {
 public:
  ConfigNode(YAML::Node node, std::string path, std::shared_ptr<const ConfigSource> source);
  ConfigNode(const ConfigNode&) = default;
  /// Rebinds this to `other`'s node. (yaml-cpp's Node::operator= would instead overwrite the
  /// node this one refers to, inside the config tree.)
  ConfigNode& operator=(const ConfigNode& other);

  const YAML::Node& yaml() const { return node_; }
  /// Dotted path from the root: "model.0.out"; "" for the root.
  const std::string& path() const { return path_; }
  const std::shared_ptr<const ConfigSource>& source() const { return source_; }
  Location location() const;
  /// Where key `key` of this map is written: the key itself (a value left empty has no place of
  /// its own: YAML puts it at the next token) or the override that set it.
  Location key_location(const std::string& key) const;
  /// Throws ConfigError at this node: "<where>: <path>: <problem>".
  [[noreturn]] void fail(const std::string& problem) const;

  /// Absent (no such key) or an explicit null (`key:`, `~`, `null`).
  bool is_null() const;
  bool is_map() const { return node_.IsMap(); }
  bool is_list() const { return node_.IsSequence(); }
  bool is_scalar() const { return node_.IsScalar(); }
  /// The actual value for messages: "string 'abc'", "number 3.5", "boolean true", "a list".
  std::string describe() const;

  /// True when this map has `key` with a non-null value.
  bool has(const std::string& key) const;
  /// The child `key` of a map (null when absent; reading it then reports the missing key).
  ConfigNode operator[](const std::string& key) const;
  /// The child `key`, which must be present: otherwise "missing key 'key'" at this map.
  ConfigNode require(const std::string& key) const;
  /// Element `i` of a list.
  ConfigNode at(size_t i) const;
  size_t size() const { return node_.size(); }
  /// The keys of a map in file order, with their values.
  std::vector<std::pair<std::string, ConfigNode>> entries() const;
  /// The elements of a list.
  std::vector<ConfigNode> items() const;

  /// Fails unless this is a map (or null, read as an empty map); "expected a map, got ...".
  void expect_map() const;
  void expect_list() const;
  /// Fails at the first key not in `known`, suggesting the closest known one.
  void check_keys(std::span<const std::string> known) const;
  void check_keys(std::initializer_list<std::string> known) const {
    check_keys(std::span<const std::string>(known.begin(), known.size()));
  }

  /// Strict scalar readers: a quoted "0.1" is a string, not a number; 2.5 is not an integer.
  double as_number(const Range& range = Range::any()) const;
  int64_t as_int(const Range& range = Range::any()) const;
  bool as_bool() const;
  std::string as_string() const;
  /// A list of numbers: [2, -3.4].
  std::vector<double> as_numbers() const;

  /// Scalar kinds as the readers see them.
  bool is_bool() const;
  bool is_int() const;
  bool is_number() const;

 private:
  ConfigNode child(YAML::Node node, const std::string& key) const;

  YAML::Node node_;
  std::string path_;
  std::shared_ptr<const ConfigSource> source_;
};

/// A parsed config file (overrides applied) ready to be read: the root node of the tree.
/// Throws ConfigError at the syntax error's position, or IOError naming an unreadable file.
ConfigNode load_config_tree(const std::string& file, std::span<const std::string> overrides = {});
/// The same from YAML text (`origin` names it in messages), for tests and embedded configs.
ConfigNode parse_config_tree(const std::string& text, const std::string& origin,
                             std::span<const std::string> overrides = {});

}  // namespace minidl::experiment
