#pragma once
// The initialisers a layer's `init` map can name for each parameter. An initialiser is an
// options struct and a function filling a parameter; one line registers it:
//
//   experiment::initializers().add(experiment::init_entry<MyOptions>("my_init", "doc", fill));
#include <functional>
#include <string>

#include "minidl/autograd/variable.hpp"
#include "minidl/core/generator.hpp"
#include "minidl/core/registry.hpp"

namespace minidl::experiment {

/// Fills `parameter` in place from options by name; OptionError for options that cannot work.
using Initializer = std::function<void(const Variable& parameter, const OptionMap& options, Generator& gen)>;
using InitEntry = Component<Initializer>;

/// The entry for an initialiser whose options struct is O and which fills a parameter with
/// `fill(parameter, options, gen)`.
template <OptionsStruct O, class Fill>
InitEntry init_entry(std::string name, std::string doc, Fill fill) {
  auto make = [name, fill](const Variable& parameter, const OptionMap& given, Generator& gen) {
    fill(parameter, options_from_map<O>(given, name), gen);
  };
  return {name, std::move(doc), option_infos<O>(), resolver<O>(name), std::move(make)};
}

/// The initialisers configs can name. Built in (torch.nn.init): zeros, ones, constant, uniform,
/// normal, xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal.
Registry<InitEntry>& initializers();

}  // namespace minidl::experiment
