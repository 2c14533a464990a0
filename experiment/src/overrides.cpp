#include "minidl/experiment/overrides.hpp"

#include "minidl/core/number_text.hpp"

#include <charconv>
#include <string>
#include <unordered_map>
#include <utility>
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

// How many places of the tree hold each node. A YAML alias (`validation: *train`) or a merge key
// puts one node at two paths; an override written into it would change both.
class NodeUses {
 public:
  explicit NodeUses(const YAML::Node& root) { count(root); }
  bool shared(const YAML::Node& node) const {
    const auto bucket = by_position_.find(node.Mark().pos);
    if (bucket == by_position_.end()) return false;
    for (const auto& [known, uses] : bucket->second)
      if (known.is(node)) return uses > 1;
    return false;
  }

 private:
  // Keys are never written to, so only values count. A node is walked on its first use only, so
  // aliases cost no more than the text that wrote them.
  void count(const YAML::Node& node) {
    auto& bucket = by_position_[node.Mark().pos];  // parsed nodes: one per position; made ones: position 0 or -1
    for (auto& [known, uses] : bucket)
      if (known.is(node)) {
        ++uses;
        return;
      }
    bucket.emplace_back(node, 1);
    if (node.IsMap())
      for (const auto& kv : node) count(kv.second);
    else if (node.IsSequence())
      for (const YAML::Node& item : node) count(item);
  }

  std::unordered_map<int, std::vector<std::pair<YAML::Node, int>>> by_position_;
};

// A copy of a map or list whose entries are the same nodes (so errors in them keep their places).
YAML::Node shallow_copy(const YAML::Node& node) {
  YAML::Node copy(node.Type());
  if (node.IsMap())
    for (const auto& kv : node) copy.force_insert(kv.first, kv.second);
  else if (node.IsSequence())
    for (const YAML::Node& item : node) copy.push_back(item);
  return copy;
}

// Puts `value` in the place of map entry `key` or list item `index` of `parent`, leaving the
// node that was there as it is (for the other paths that hold it). A map entry moves last.
void replace_entry(YAML::Node& parent, const std::string& key, size_t index, const YAML::Node& value) {
  if (parent.IsMap()) {
    YAML::Node key_node;
    for (const auto& kv : parent)
      if (kv.first.IsScalar() && kv.first.Scalar() == key) key_node.reset(kv.first);
    parent.remove(key);
    parent.force_insert(key_node, value);
    return;
  }
  std::vector<YAML::Node> after;
  for (size_t i = index + 1; i < parent.size(); ++i) after.push_back(parent[i]);
  while (parent.size() > index) parent.remove(parent.size() - 1);
  parent.push_back(value);
  for (const YAML::Node& item : after) parent.push_back(item);
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
  // From the first node the path shares with another path, each node on it is copied: the copy's
  // entries are shared in turn.
  const NodeUses uses(root);
  bool copying = false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& key = parts[i];
    const bool last = i + 1 == parts.size();
    YAML::Node next;
    size_t index = 0;
    if (cursor.IsSequence()) {
      const std::optional<size_t> parsed = parse_integer<size_t>(key, 0, cursor.size());
      if (!parsed)
        fail(o.text, "'" + walked + "' is a list of " + std::to_string(cursor.size()) + ": expected an index " +
                         (cursor.size() == 0 ? "" : "0.." + std::to_string(cursor.size() - 1) + ", or ") +
                         std::to_string(cursor.size()) + " to add an item, got '" + key + "'");
      index = *parsed;
      if (index == cursor.size()) {
        cursor.push_back(YAML::Node(YAML::NodeType::Map));
        created.push_back(walked + "." + key);
      }
      next.reset(cursor[index]);
    } else if (cursor.IsMap() || cursor.IsNull()) {
      if (!last && (!cursor[key] || cursor[key].IsNull())) {
        const YAML::Node map(YAML::NodeType::Map);
        if (cursor[key]) replace_entry(cursor, key, 0, map);  // a null written there may be shared
        else cursor[key] = map;
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
    copying = copying || uses.shared(next);
    if (copying) {
      // Only a map or list is walked into; a scalar here ends the walk with an error next.
      if (last) next.reset(YAML::Clone(o.value));
      else if (next.IsMap() || next.IsSequence()) next.reset(shallow_copy(next));
      replace_entry(cursor, key, index, next);
    } else if (last) {
      next = YAML::Clone(o.value);
    }
    cursor.reset(next);
  }
  return created;
}

}  // namespace minidl::experiment
