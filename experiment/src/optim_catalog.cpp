#include "minidl/experiment/optim_catalog.hpp"

#include <charconv>
#include <cmath>

#include "minidl/optim/registry.hpp"

namespace minidl::experiment {

namespace {

// optim describes each option's type in words (OptionTraits<T>::type); these are its kinds.
OptionKind kind_of(const std::string& type) {
  if (type == "true or false") return OptionKind::Bool;
  if (type == "an integer") return OptionKind::Int;
  if (type.rfind("a list", 0) == 0) return OptionKind::Numbers;
  return OptionKind::Number;
}

std::optional<double> parse_number(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text == "inf") return INFINITY;
  if (text == "-inf") return -INFINITY;
  if (text == "nan") return NAN;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// The default as optim prints it ("0.001", "true", "(0.9, 0.999)", "[30, 80]").
std::optional<OptionValue> parse_default(OptionKind kind, const std::string& text) {
  switch (kind) {
    case OptionKind::Bool: return OptionValue(text == "true");
    case OptionKind::Int:
      if (auto v = parse_number(text)) return OptionValue(static_cast<int64_t>(*v));
      return std::nullopt;
    case OptionKind::Numbers: {
      std::vector<double> values;
      std::string_view rest(text);
      if (rest.size() < 2) return std::nullopt;
      rest = rest.substr(1, rest.size() - 2);  // drop the brackets or parentheses
      while (!rest.empty()) {
        const size_t comma = rest.find(',');
        auto v = parse_number(rest.substr(0, comma));
        if (!v) return std::nullopt;
        values.push_back(*v);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      return OptionValue(std::move(values));
    }
    default:
      if (auto v = parse_number(text)) return OptionValue(*v);
      return std::nullopt;
  }
}

ComponentInfo to_info(const std::vector<optim::OptionInfo>& infos) {
  // optim holds every number as a double: beyond 2^53 an integer would reach it rounded
  // (2^63 - 1 as 2^63), so such values are refused here, where the text is still exact.
  const Range exact_in_double = Range::closed(-0x1p53, 0x1p53);
  ComponentInfo info;
  for (const optim::OptionInfo& o : infos) {
    OptionDecl d(o.name, kind_of(o.type), std::nullopt, o.doc);
    if (o.type == "an integer" || o.type == "a list of integers") d.range = exact_in_double;
    if (!o.required) d.default_value = parse_default(d.kind, o.default_value);
    info.options.push_back(std::move(d));
  }
  return info;
}

}  // namespace

ComponentConfig ComponentCatalog::read(const ConfigNode& node,
                                       std::span<const std::string> reserved) const {
  return read_component(
      node, kind, names,
      [this](const std::string& name) {
        const auto it = infos.find(name);
        return it == infos.end() ? nullptr : &it->second;
      },
      reserved);
}

ComponentCatalog optimizer_catalog() {
  ComponentCatalog c{"optimizer", optim::optimizer_names(), {}};
  for (const std::string& name : c.names) c.infos.emplace(name, to_info(optim::optimizer_options(name)));
  return c;
}

ComponentCatalog scheduler_catalog() {
  ComponentCatalog c{"scheduler", optim::scheduler_names(), {}};
  for (const std::string& name : c.names) c.infos.emplace(name, to_info(optim::scheduler_options(name)));
  return c;
}

optim::OptionMap to_option_map(const Options& options) {
  optim::OptionMap map;
  for (const Options::Entry& e : options.entries()) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, bool>) map.insert_or_assign(e.name, optim::OptionValue(v));
          else if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, double>)
            map.insert_or_assign(e.name, optim::OptionValue(static_cast<double>(v)));
          else if constexpr (std::is_same_v<T, std::vector<double>>)
            map.insert_or_assign(e.name, optim::OptionValue(v));
          // Strings: optim declares no string options, so the reader never produces one here.
        },
        e.value);
  }
  return map;
}

}  // namespace minidl::experiment
