#pragma once
// The reference of every component a config can name and every declared config section,
// rendered from the declarations themselves: the README's reference tables and `minidl list`.
#include <string>
#include <string_view>

namespace minidl::experiment {

/// Markdown: for each kind (data sources, layers, initialisers, losses, optimizers,
/// schedulers) and each declared section (data, data.transform, train), a table per component
/// of its options: name, type, default, valid values and meaning.
std::string reference_markdown();

/// Whether `name` names a component of any kind (a data source, layer, initialiser, loss,
/// optimizer or scheduler): what a config may give by its name alone.
bool is_component_name(std::string_view name);

/// The same as plain text for a terminal; `kind` ("layer", "optimizer", ...) limits it to one
/// kind ("" for all). Throws ValueError naming the known kinds for an unknown one.
std::string reference_text(const std::string& kind = "");

}  // namespace minidl::experiment
