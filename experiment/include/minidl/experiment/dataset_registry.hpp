#pragma once
// The data sources a config's `data.train` / `data.validation` can name. A source is an options
// struct and a function making the dataset; one line registers it:
//
//   experiment::datasets().add(experiment::dataset_entry<MyOptions>("my_data", "doc", load));
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "minidl/core/registry.hpp"
#include "minidl/data/dataset.hpp"

namespace minidl::experiment {

/// What a dataset factory gets besides its options.
struct DatasetContext {
  /// The config's seed, the default seed of generated data.
  uint64_t seed = 0;
};

/// Makes a dataset from options by name; OptionError for an option that cannot work (a data
/// file that does not exist), other minidl errors for bad data.
using DatasetFactory =
    std::function<std::shared_ptr<const data::Dataset>(const OptionMap& options, const DatasetContext& context)>;
using DatasetEntry = Component<DatasetFactory>;

/// The entry for a source whose options struct is O, made by `load(options, context)`.
template <OptionsStruct O, class Load>
DatasetEntry dataset_entry(std::string name, std::string doc, Load load) {
  auto make = [name, load](const OptionMap& given, const DatasetContext& context) {
    return load(options_from_map<O>(given, name), context);
  };
  return {name, std::move(doc), option_infos<O>(), resolver<O>(name), std::move(make)};
}

/// The data sources configs can name. Built in: csv, synthetic_linear, synthetic_classification,
/// fashion_mnist, idx.
Registry<DatasetEntry>& datasets();

}  // namespace minidl::experiment
