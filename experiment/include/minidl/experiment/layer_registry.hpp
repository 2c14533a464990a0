#pragma once
// The layers a config's `model` list can name. A layer is one options struct and one module
// class (nn/include/minidl/nn/linear.hpp is the model); one line registers it:
//
//   experiment::register_layer<MyGelu>("gelu_like");
//
// The class may declare `using Options = ...` (a struct with fields(); none means no options),
// `static constexpr std::string_view doc`, and `static std::shared_ptr<T> build(Options&,
// const nn::LayerInput&)` when building needs the input (it may fill in what it inferred);
// otherwise it is made from its Options, or default-constructed.
#include <functional>
#include <memory>
#include <string>

#include "minidl/core/registry.hpp"
#include "minidl/nn/layer_input.hpp"
#include "minidl/nn/module.hpp"

namespace minidl::experiment {

/// A layer built from a config, and its options as built (with what it inferred, e.g. `in`).
struct BuiltLayer {
  std::shared_ptr<nn::Module> module;
  OptionList options;
};

/// Builds a layer from its options by name for an input; throws OptionError for options that do
/// not fit the input.
using LayerFactory = std::function<BuiltLayer(const OptionMap& options, const nn::LayerInput& input)>;
using LayerEntry = Component<LayerFactory>;

/// L's options struct: L::Options, or NoOptions.
template <class L>
auto layer_options_type() {
  if constexpr (requires { typename L::Options; }) return typename L::Options{};
  else return NoOptions{};
}
template <class L>
using LayerOptions = decltype(layer_options_type<L>());

/// L's one line of documentation, or its module name.
template <class L>
std::string layer_doc() {
  if constexpr (requires { L::doc; }) return std::string(L::doc);
  else return "";
}

/// The registry entry for layer class L under `name`.
template <class L>
LayerEntry layer_entry(std::string name) {
  using O = LayerOptions<L>;
  auto factory = [name](const OptionMap& given, const nn::LayerInput& input) {
    O options = options_from_map<O>(given, name);
    std::shared_ptr<nn::Module> module;
    if constexpr (requires { L::build(options, input); }) module = L::build(options, input);
    else if constexpr (std::is_constructible_v<L, const O&>) module = std::make_shared<L>(options);
    else module = std::make_shared<L>();
    return BuiltLayer{std::move(module), options_to_list(options)};
  };
  return {name, layer_doc<L>(), option_infos<O>(), resolver<O>(name), std::move(factory)};
}

/// The layers configs can name. Built in: linear, relu, leaky_relu, sigmoid, tanh, softmax,
/// log_softmax, flatten, dropout, identity.
Registry<LayerEntry>& layers();

/// Makes layer class L available to configs as `name`; ValueError if the name is taken.
template <class L>
void register_layer(std::string name) {
  layers().add(layer_entry<L>(std::move(name)));
}

}  // namespace minidl::experiment
