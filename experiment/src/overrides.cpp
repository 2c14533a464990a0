#include "minidl/experiment/overrides.hpp"

#include "minidl/core/number_text.hpp"

#include <charconv>
#include <vector>

#include "minidl/experiment/config_error.hpp"
#include "minidl/experiment/reference_docs.hpp"
#include "minidl/experiment/yaml_document.hpp"

namespace minidl::experiment {

namespace {

[[noreturn]] void fail(const std::string& text, const std::string& problem) {
  throw ConfigError(Location{"override '" + text + "'"}, problem);
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

const char* kind_of(const YAML::Node& n) {
  if (n.IsSequence()) return "a list";
  if (n.IsScalar()) return "a scalar";
  return "null";
}

}  // namespace

Override parse_override(std::string_view text) {
  const std::string s(text);
  const size_t eq = s.find('=');
  if (eq == std::string::npos)
    fail(s, "expected key=value (a dotted path such as optimizer.lr=0.01), got no '='");
  Override o{s, s.substr(0, eq), {}};
  for (const std::string& part : split_path(o.path))
    if (part.empty()) fail(s, "empty key in path '" + o.path + "'");
  o.value = parse_yaml_document(s.substr(eq + 1), "override '" + s + "'", /*positions=*/false);
  return o;
}

std::vector<std::string> apply_override(YAML::Node& root, const Override& o) {
  const std::vector<std::string> parts = split_path(o.path);
  if (!root.IsMap() && !root.IsNull()) fail(o.text, "the config is not a map of keys");
  YAML::Node cursor;
  cursor.reset(root);  // reset() rebinds; `cursor = x` would overwrite the node cursor refers to
  std::string walked;
  std::vector<std::string> created;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& key = parts[i];
    const bool last = i + 1 == parts.size();
    YAML::Node next;
    if (cursor.IsSequence()) {
      const std::optional<size_t> parsed = parse_integer<size_t>(key, 0, cursor.size());
      if (!parsed)
        fail(o.text, "'" + walked + "' is a list of " + std::to_string(cursor.size()) +
                         ": expected an index 0.." + std::to_string(cursor.size()) + ", got '" +
                         key + "'");
      const size_t index = *parsed;
      if (index == cursor.size()) {
        cursor.push_back(YAML::Node(YAML::NodeType::Map));
        created.push_back(walked + "." + key);
      }
      next.reset(cursor[index]);
    } else if (cursor.IsMap() || cursor.IsNull()) {
      if (!last && (!cursor[key] || cursor[key].IsNull())) {
        cursor[key] = YAML::Node(YAML::NodeType::Map);
        created.push_back(walked + (walked.empty() ? "" : ".") + key);
      }
      next.reset(cursor[key]);
    } else if (cursor.IsScalar() && is_component_name(cursor.Scalar())) {
      // A component written by its name alone (`loss: cross_entropy`, `- relu`) takes options as a map.
      const std::string name = cursor.Scalar();
      const std::string options = last ? key + ": " + o.text.substr(o.text.find('=') + 1) : "...";
      fail(o.text, "'" + walked + "' is the name '" + name + "', not a map: cannot set '" + key + "' in it (write " +
                       walked + "={type: " + name + ", " + options + "})");
    } else {
      fail(o.text, "'" + walked + "' is " + kind_of(cursor) + ", not a map: cannot set '" + key + "' in it");
    }
    walked += (walked.empty() ? "" : ".") + key;
    if (last) next = YAML::Clone(o.value);
    cursor.reset(next);
  }
  return created;
}

}  // namespace minidl::experiment
