#pragma once
// Declared options of a component (a layer, dataset, loss, init): each option is declared once
// — name, kind, default, allowed range, one line of documentation — and read from YAML, checked,
// documented and printed back through that declaration.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "minidl/experiment/config_node.hpp"

namespace minidl::experiment {

/// The value types an option can have.
enum class OptionKind { Bool, Int, Number, String, Numbers };
/// "boolean", "integer", "number", "string", "list of numbers".
const char* kind_name(OptionKind kind);

using OptionValue = std::variant<bool, int64_t, double, std::string, std::vector<double>>;

/// One option of a component: {"p", OptionKind::Number, 0.5, "drop probability", Range::half_open(0, 1)}.
struct OptionDecl {
  OptionDecl(std::string name, OptionKind kind, std::optional<OptionValue> default_value,
             std::string doc, Range range = Range::any(), std::vector<std::string> choices = {},
             bool optional = false)
      : name(std::move(name)), kind(kind), default_value(std::move(default_value)),
        doc(std::move(doc)), range(range), choices(std::move(choices)), optional(optional) {}

  std::string name;
  OptionKind kind = OptionKind::Number;
  /// The value when not given; none means required (or optional, see `optional`).
  std::optional<OptionValue> default_value;
  std::string doc;
  /// For Int, Number and each element of Numbers.
  Range range = Range::any();
  /// For String: the allowed values (empty: any string).
  std::vector<std::string> choices;
  /// When there is no default: true lets the option be absent (e.g. a size inferred from data).
  bool optional = false;
};

/// Option values read for one component, in declaration order, each with its location.
class Options {
 public:
  struct Entry {
    std::string name;
    OptionValue value;
    Location where;
    bool given = false;  // written in the config (not a default)
  };

  Options() = default;
  /// Where the component itself is written (for errors about it as a whole), and its dotted
  /// path in the config ("model.0"; "" when made in code).
  explicit Options(Location where, std::string path = "") : where_(std::move(where)), path_(std::move(path)) {}

  bool has(const std::string& name) const { return find(name) != nullptr; }
  double number(const std::string& name) const;
  int64_t integer(const std::string& name) const;
  bool flag(const std::string& name) const;
  const std::string& string(const std::string& name) const;
  const std::vector<double>& numbers(const std::string& name) const;
  const OptionValue& value(const std::string& name) const;

  /// The option's location (the component's when the option was not written).
  const Location& where(const std::string& name) const;
  const Location& where() const { return where_; }
  /// The component's dotted path, and option `name`'s: "model.0.out" (just "out" without one).
  const std::string& path() const { return path_; }
  std::string path(const std::string& name) const { return path_.empty() ? name : path_ + "." + name; }
  /// Throws ConfigError located at the option: "<where>: <problem>".
  [[noreturn]] void fail(const std::string& name, const std::string& problem) const;

  void set(Entry entry);
  const std::vector<Entry>& entries() const { return entries_; }
  const Entry* find(const std::string& name) const;

 private:
  const Entry& get(const std::string& name) const;

  std::vector<Entry> entries_;
  Location where_;
  std::string path_;
};

/// Reads `node` (a map) as options of `decls`: unknown keys (did you mean), wrong kinds, out of
/// range, missing required options all throw ConfigError. `reserved` keys (such as `type`) are
/// allowed in the map and skipped. A scalar `node` (a component named without options) reads as
/// no options given.
Options read_options(const ConfigNode& node, std::span<const OptionDecl> decls,
                     std::span<const std::string> reserved = {});

/// Reads one value of `kind` from `node` (strictly typed, range checked).
OptionValue read_value(const ConfigNode& node, OptionKind kind, const Range& range = Range::any());

/// The value as YAML: numbers in their shortest round-trip form (0.03, not 0.029999999).
YAML::Node to_yaml(const OptionValue& value);
/// The value as text, as it would be written in YAML.
std::string to_text(const OptionValue& value);

}  // namespace minidl::experiment
