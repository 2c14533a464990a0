#include "minidl/experiment/yaml_document.hpp"

#include <sstream>
#include <unordered_map>

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

}  // namespace

YAML::Node parse_yaml_document(const std::string& text, const std::string& origin, bool positions) {
  const Where where{origin, positions};
  YAML::Node root;
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
    throw ConfigError(where.at(e.mark), "invalid YAML: " + e.msg);
  }
  std::unordered_map<size_t, bool> done;
  check_keys_and_cycles(root, where, done);
  return root;
}

}  // namespace minidl::experiment
