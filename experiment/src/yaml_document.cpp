#include "minidl/experiment/yaml_document.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

namespace minidl::experiment {

namespace {

struct Where {
  std::string origin;
  bool positions;

  Location at(const YAML::Mark& mark) const {
    if (!positions || mark.is_null()) return {origin};
    return {origin, mark.line + 1, mark.column + 1};
  }
};

// Whether `byte` is a control character YAML does not allow in a stream: all of C0 but the
// tab, line feed and carriage return (a NUL from a binary file, a stray escape). DEL is let
// through: yaml-cpp writes it unescaped, so a resolved config may hold it.
bool is_forbidden_control(unsigned char byte) { return byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r'; }

// The offset of the first byte of `text` that is not YAML text, or npos: a forbidden control
// character, or a byte that is not part of valid UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF). A config's strings go into files (checkpoints, JSON) that
// must hold valid UTF-8.
size_t first_non_text(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (is_forbidden_control(lead)) return i;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The sequence's length and the range of its second byte, which rules out the overlong
    // forms, the surrogates and code points past U+10FFFF.
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) length = 3, low = lead == 0xE0 ? 0xA0 : 0x80, high = lead == 0xED ? 0x9F : 0xBF;
    else if (lead >= 0xF0 && lead <= 0xF4) length = 4, low = lead == 0xF0 ? 0x90 : 0x80, high = lead == 0xF4 ? 0x8F : 0xBF;
    else return i;
    if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high) return i;
    for (size_t k = 2; k < length; ++k)
      if ((byte(i + k) & 0xC0) != 0x80) return i;
    i += length;
  }
  return std::string_view::npos;
}

void reject_non_text(const std::string& text, const Where& where) {
  const size_t bad = first_non_text(text);
  if (bad == std::string_view::npos) return;
  Location at{where.origin};
  if (where.positions) {
    const size_t newline = bad == 0 ? std::string::npos : text.rfind('\n', bad - 1);
    const size_t line_begin = newline == std::string::npos ? 0 : newline + 1;
    at.line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    at.column = 1 + static_cast<int>(bad - line_begin);
  }
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
  if (is_forbidden_control(static_cast<unsigned char>(text[bad])))
    throw ConfigError(at, std::string("a control character (byte ") + hex + ") where YAML takes only text" +
                              (where.positions ? ": is this a binary file?" : ""));
  throw ConfigError(at, std::string("not valid UTF-8 text (byte ") + hex + ")" +
                            (where.positions ? ": save the file as UTF-8 (Latin-1 text is the usual cause)" : ""));
}

// Notes where each document starts (its `---`, or its first content), and nothing else.
class DocumentStarts : public YAML::EventHandler {
 public:
  YAML::Mark last;

  void OnDocumentStart(const YAML::Mark& mark) override { last = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

void reject_second_document(const std::string& text, const Where& where) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts starts;
  parser.HandleNextDocument(starts);
  if (parser.HandleNextDocument(starts))
    throw ConfigError(where.at(starts.last),
                      "a second YAML document starts here: a config is one document (remove the '---' "
                      "or '...' line and what follows it, or merge the two)");
}

// Every map in `node` and below, once each: an alias repeats a node but is checked once (so a
// "billion laughs" text costs no more than its length). Parsed containers have distinct
// positions, which identify them; `done` maps each to whether its check has finished, so an
// alias inside the node it names (a cycle, which would send readers round forever) is found.
void check_keys_and_cycles(const YAML::Node& node, const Where& where, std::unordered_map<size_t, bool>& done) {
  if (!node.IsMap() && !node.IsSequence()) return;
  const auto [state, fresh] = done.emplace(static_cast<size_t>(node.Mark().pos), false);
  if (!fresh) {
    if (!state->second)
      throw ConfigError(where.at(node.Mark()), "this node contains an alias of itself: a YAML cycle");
    return;
  }
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) check_keys_and_cycles(item, where, done);
  } else {
    std::unordered_map<std::string, YAML::Mark> keys;
    for (const auto& kv : node) {
      if (kv.first.IsScalar()) {
        const auto [first, new_key] = keys.emplace(kv.first.Scalar(), kv.first.Mark());
        if (!new_key) {
          const Location before = where.at(first->second);
          throw ConfigError(where.at(kv.first.Mark()),
                            "duplicate key '" + kv.first.Scalar() + "'" +
                                (before.line > 0 ? " (first at " + before.to_string() + ")" : "") +
                                ": each key may appear once in a map");
        }
      }
      check_keys_and_cycles(kv.first, where, done);
      check_keys_and_cycles(kv.second, where, done);
    }
  }
  done[static_cast<size_t>(node.Mark().pos)] = true;
}

// YAML 1.1's merge key, as PyYAML reads it: `<<: *defaults` (or a list of such maps) gives a map
// every key of the named map(s) that it does not set itself; of two merged maps, the first in the
// list wins. Merged entries are the named map's own nodes, so their errors point at the text that
// wrote them. Each map is resolved once, after the maps below it, so a merged map's own merges
// come with it. Runs after check_keys_and_cycles: the tree has no cycles, and containers are told
// apart by their positions.
void resolve_merge_keys(YAML::Node node, const Where& where, std::unordered_map<size_t, bool>& done) {
  if (!node.IsMap() && !node.IsSequence()) return;
  if (!done.emplace(static_cast<size_t>(node.Mark().pos), true).second) return;
  if (node.IsSequence()) {
    for (const YAML::Node& item : node) resolve_merge_keys(item, where, done);
    return;
  }
  YAML::Node merged;
  bool merges = false;
  for (const auto& kv : node) {
    resolve_merge_keys(kv.second, where, done);
    if (kv.first.IsScalar() && kv.first.Scalar() == "<<" && kv.first.Tag() != "!") merged.reset(kv.second), merges = true;
  }
  if (!merges) return;
  std::vector<YAML::Node> sources;
  if (merged.IsMap()) sources.push_back(merged);
  if (merged.IsSequence())
    for (const YAML::Node& item : merged) sources.push_back(item);
  if (sources.empty() || !std::all_of(sources.begin(), sources.end(), [](const YAML::Node& n) { return n.IsMap(); }))
    throw ConfigError(where.at(merged.Mark()),
                      "the merge key '<<' takes a map or a list of maps (such as <<: *defaults), got " +
                          std::string(merged.IsScalar() ? "a scalar"
                                      : merged.IsNull()  ? "nothing"
                                                         : "a list with an item that is not a map"));
  node.remove("<<");
  std::unordered_set<std::string> keys;
  for (const auto& kv : node)
    if (kv.first.IsScalar()) keys.insert(kv.first.Scalar());
  for (const YAML::Node& source : sources)
    for (const auto& kv : source)
      if (!kv.first.IsScalar() || keys.insert(kv.first.Scalar()).second) node.force_insert(kv.first, kv.second);
}

// yaml-cpp reports a line indented with a tab as whatever the tab made of it ("illegal map
// value"); an editor that inserts tabs is the likely cause, so the error says so.
std::string tab_indent_hint(const std::string& text, const YAML::Mark& mark) {
  if (mark.is_null()) return "";
  size_t start = 0;
  for (int line = 0; line < mark.line && start != std::string::npos; ++line) {
    start = text.find('\n', start);
    if (start != std::string::npos) ++start;
  }
  if (start == std::string::npos) return "";
  const size_t content = text.find_first_not_of(" \t", start);
  const std::string_view indent(text.data() + start, std::min(content, text.size()) - start);
  if (indent.find('\t') == std::string_view::npos) return "";
  return " (line " + std::to_string(mark.line + 1) + " is indented with a tab: YAML indents with spaces only)";
}

}  // namespace

YAML::Node parse_yaml_document(const std::string& text, const std::string& origin, bool positions) {
  const Where where{origin, positions};
  YAML::Node root;
  reject_non_text(text, where);
  try {
    root.reset(YAML::Load(text));  // rebinds (operator= would write into the node)
    reject_second_document(text, where);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's mark for this error has the right line but, in flow style, not the column.
    const std::string near = positions && !e.mark.is_null() ? " (near line " + std::to_string(e.mark.line + 1) + ")" : "";
    throw ConfigError(Location{origin}, "invalid YAML: lists and maps nested more than " +
                                            std::to_string(e.depth() - 1) + " levels deep" + near +
                                            ", the most the YAML reader takes");
  } catch (const YAML::ParserException& e) {
    throw ConfigError(where.at(e.mark), "invalid YAML: " + e.msg + tab_indent_hint(text, e.mark));
  }
  std::unordered_map<size_t, bool> checked, merged;
  check_keys_and_cycles(root, where, checked);
  resolve_merge_keys(root, where, merged);
  return root;
}

}  // namespace minidl::experiment
