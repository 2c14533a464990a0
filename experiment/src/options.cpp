#include "minidl/experiment/options.hpp"

#include <charconv>
#include <cmath>

#include "minidl/experiment/suggest.hpp"

namespace minidl::experiment {

const char* kind_name(OptionKind kind) {
  switch (kind) {
    case OptionKind::Bool: return "boolean";
    case OptionKind::Int: return "integer";
    case OptionKind::Number: return "number";
    case OptionKind::String: return "string";
    case OptionKind::Numbers: return "list of numbers";
  }
  return "?";
}

const Options::Entry* Options::find(const std::string& name) const {
  for (const Entry& e : entries_)
    if (e.name == name) return &e;
  return nullptr;
}

const Options::Entry& Options::get(const std::string& name) const {
  const Entry* e = find(name);
  // Asking for an option that was never declared is a bug in the component, not in the config.
  if (!e) throw Error("option '" + name + "' was not declared or not given");
  return *e;
}

const OptionValue& Options::value(const std::string& name) const { return get(name).value; }

double Options::number(const std::string& name) const {
  const OptionValue& v = value(name);
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}
int64_t Options::integer(const std::string& name) const { return std::get<int64_t>(value(name)); }
bool Options::flag(const std::string& name) const { return std::get<bool>(value(name)); }
const std::string& Options::string(const std::string& name) const {
  return std::get<std::string>(value(name));
}
const std::vector<double>& Options::numbers(const std::string& name) const {
  return std::get<std::vector<double>>(value(name));
}

const Location& Options::where(const std::string& name) const {
  const Entry* e = find(name);
  return e && e->given ? e->where : where_;
}

void Options::fail(const std::string& name, const std::string& problem) const {
  throw ConfigError(where(name), problem);
}

void Options::set(Entry entry) {
  for (Entry& e : entries_)
    if (e.name == entry.name) {
      e = std::move(entry);
      return;
    }
  entries_.push_back(std::move(entry));
}

OptionValue read_value(const ConfigNode& node, OptionKind kind, const Range& range) {
  switch (kind) {
    case OptionKind::Bool: return node.as_bool();
    case OptionKind::Int: return node.as_int(range);
    case OptionKind::Number: return node.as_number(range);
    case OptionKind::String: return node.as_string();
    case OptionKind::Numbers: {
      if (!node.is_list()) node.fail("expected a list of numbers, got " + node.describe());
      std::vector<double> out;
      for (const ConfigNode& item : node.items()) out.push_back(item.as_number(range));
      return out;
    }
  }
  return {};
}

Options read_options(const ConfigNode& node, std::span<const OptionDecl> decls,
                     std::span<const std::string> reserved) {
  std::vector<std::string> known(reserved.begin(), reserved.end());
  for (const OptionDecl& d : decls) known.push_back(d.name);
  if (!node.is_scalar()) node.check_keys(known);
  Options options(node.location(), node.path());
  for (const OptionDecl& d : decls) {
    const ConfigNode value = node[d.name];
    if (value.is_null()) {
      if (d.default_value) options.set({d.name, *d.default_value, node.location(), false});
      else if (!d.optional) node.fail("missing option '" + d.name + "': " + d.doc);
      continue;
    }
    OptionValue v = read_value(value, d.kind, d.range);
    if (!d.choices.empty()) {
      const std::string& s = std::get<std::string>(v);
      bool ok = false;
      for (const std::string& c : d.choices) ok = ok || c == s;
      if (!ok)
        value.fail("expected one of " + join_names(d.choices) + ", got '" + s + "'" +
                   did_you_mean(s, d.choices));
    }
    options.set({d.name, std::move(v), value.location(), true});
  }
  return options;
}

namespace {
std::string number_text(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, end);
  // Keep a number option recognisably a number when printed: 1 -> 1.0.
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}
}  // namespace

std::string to_text(const OptionValue& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, bool>) return v ? "true" : "false";
        else if constexpr (std::is_same_v<T, int64_t>) return std::to_string(v);
        else if constexpr (std::is_same_v<T, double>) return number_text(v);
        else if constexpr (std::is_same_v<T, std::string>) return v;
        else {
          std::string out = "[";
          for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + number_text(v[i]);
          return out + "]";
        }
      },
      value);
}

YAML::Node to_yaml(const OptionValue& value) {
  if (const auto* list = std::get_if<std::vector<double>>(&value)) {
    YAML::Node seq(YAML::NodeType::Sequence);
    for (double d : *list) seq.push_back(YAML::Node(number_text(d)));
    seq.SetStyle(YAML::EmitterStyle::Flow);
    return seq;
  }
  return YAML::Node(to_text(value));
}

}  // namespace minidl::experiment
