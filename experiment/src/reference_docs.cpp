#include "minidl/experiment/reference_docs.hpp"

#include <functional>
#include <vector>

#include "minidl/core/error.hpp"
#include "minidl/core/suggest.hpp"
#include "minidl/experiment/config.hpp"
#include "minidl/experiment/dataset_registry.hpp"
#include "minidl/experiment/init_registry.hpp"
#include "minidl/experiment/layer_registry.hpp"
#include "minidl/experiment/loss_registry.hpp"
#include "minidl/optim/registry.hpp"

namespace minidl::experiment {

namespace {

// One documented component or section: its name, a line of documentation and its options.
struct Documented {
  std::string name;
  std::string doc;
  std::vector<OptionInfo> options;
};

// A kind of component as the reference lists it.
struct DocumentedKind {
  std::string kind;     // "layer": what `minidl list` takes
  std::string title;    // "Layers (`type:`)"
  std::vector<Documented> entries;
};

template <class Entry>
DocumentedKind document(const Registry<Entry>& registry, std::string title) {
  DocumentedKind out{registry.kind(), std::move(title), {}};
  for (const std::string& name : registry.names()) {
    const Entry& entry = registry.find(name);
    out.entries.push_back({name, entry.doc, entry.options});
  }
  return out;
}

template <OptionsStruct O>
Documented section(std::string name, std::string doc) {
  return {std::move(name), std::move(doc), option_infos<O>()};
}

std::vector<DocumentedKind> every_kind() {
  return {
      {"section", "Config sections (declared keys)",
       {section<DataConfig>("data", "besides `train`, `validation` and `transform`"),
        section<TransformConfig>("data.transform", "applied to every feature of the training and validation data"),
        section<TrainConfig>("train", "the training loop"),
        section<EarlyStoppingConfig>("train.early_stopping",
                                     "stops training when a metric stops improving (optional)")}},
      document(datasets(), "Data sources (`type:`)"),
      document(layers(), "Layers (`type:`)"),
      document(initializers(), "Initialisers (`init:`, torch.nn.init)"),
      document(losses(), "Losses (`type:`)"),
      document(optim::optimizers(), "Optimizers (`type:`)"),
      document(optim::schedulers(), "Schedulers (`type:`)"),
  };
}

std::string default_text(const OptionInfo& o) {
  if (o.required) return "required";
  return o.default_value == "none" ? "none" : "`" + o.default_value + "`";
}

// A table cell: '|' would end the cell.
std::string cell(std::string text) {
  for (size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) text.replace(at, 1, "\\|");
  return text;
}

}  // namespace

std::string reference_markdown() {
  std::string out;
  for (const DocumentedKind& kind : every_kind()) {
    out += "#### " + kind.title + "\n\n";
    std::vector<std::string> plain;  // components without options, listed together
    for (const Documented& d : kind.entries) {
      if (d.options.empty()) {
        plain.push_back("`" + d.name + "`" + (d.doc.empty() ? "" : " (" + d.doc + ")"));
        continue;
      }
      out += "##### `" + d.name + "`" + (d.doc.empty() ? "" : ": " + d.doc) + "\n\n";
      out += "| option | type | default | valid | meaning |\n|---|---|---|---|---|\n";
      for (const OptionInfo& o : d.options)
        out += "| `" + o.name + "` | " + o.type + " | " + cell(default_text(o)) + " | " + cell(o.expected) + " | " +
               cell(o.doc) + " |\n";
      out += "\n";
    }
    if (!plain.empty()) {
      out += "Without options: ";
      for (size_t i = 0; i < plain.size(); ++i) out += (i ? ", " : "") + plain[i];
      out += ".\n\n";
    }
  }
  return out;
}

std::string reference_text(const std::string& kind) {
  const std::vector<DocumentedKind> kinds = every_kind();
  std::vector<std::string> known;
  for (const DocumentedKind& k : kinds) known.push_back(k.kind);
  bool found = kind.empty();
  std::string out;
  for (const DocumentedKind& k : kinds) {
    if (!kind.empty() && k.kind != kind) continue;
    found = true;
    out += k.title + "\n";
    for (const Documented& d : k.entries) {
      out += "  " + d.name + (d.doc.empty() ? "" : ": " + d.doc) + "\n";
      for (const OptionInfo& o : d.options)
        out += "      " + o.name + " (" + o.type + ", " + (o.required ? "required" : "default " + o.default_value) +
               (o.expected.empty() ? "" : ", " + o.expected) + ")" + (o.doc.empty() ? "" : ": " + o.doc) + "\n";
    }
    out += "\n";
  }
  if (!found) throw ValueError("unknown kind '" + kind + "'" + did_you_mean(kind, known) + "; known: " + join_names(known));
  return out;
}

bool is_component_name(std::string_view name) {
  return datasets().get(name) || layers().get(name) || initializers().get(name) || losses().get(name) ||
         optim::optimizers().get(name) || optim::schedulers().get(name);
}

}  // namespace minidl::experiment
