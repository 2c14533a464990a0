#include "minidl/experiment/model_builder.hpp"

#include <filesystem>

#include "finite_weights.hpp"
#include "minidl/autograd/grad_mode.hpp"
#include "minidl/experiment/init_registry.hpp"
#include "minidl/experiment/layer_registry.hpp"
#include "minidl/nn/serialize.hpp"

namespace minidl::experiment {

namespace {

Shape sample_shape(const Shape& batch_shape) {
  Shape s = batch_shape;
  s.erase(0);
  return s;
}

std::string describe_input(const Shape& input, size_t layer) {
  if (layer == 0) return "the data's samples (shape " + to_string(input) + ")";
  return "layer " + std::to_string(layer - 1) + "'s output (shape " + to_string(input) + ")";
}

void apply_init(nn::Module& module, const LayerConfig& config, Generator& gen) {
  const auto params = module.named_parameters();
  std::vector<std::string> names;
  for (const auto& p : params) names.push_back(p.first);
  for (const auto& [name, spec] : config.init) {
    const Variable* param = nullptr;
    for (const auto& p : params)
      if (p.first == name) param = &p.second;
    if (!param)
      throw ConfigError(spec.where, config.layer.type + " has no parameter '" + name + "'" +
                                        did_you_mean(name, names) + "; its parameters: " +
                                        (names.empty() ? "none" : join_names(names)));
    const ComponentConfig& init = spec;  // a lambda cannot capture a structured binding in C++20
    init.build([&] { initializers().find(init.type).make(*param, init.map(), gen); });
  }
}

// The last `out` option: the width of the model's output unless a later layer changes it.
Location output_where(const ModelConfig& config) {
  for (auto it = config.layers.rbegin(); it != config.layers.rend(); ++it)
    if (it->layer.written.contains("out")) return it->layer.where_of("out");
  return {};
}

}  // namespace

BuiltModel build_model(ModelConfig& config, const Shape& input, Generator& gen) {
  auto net = std::make_shared<nn::Sequential>();
  NoGradGuard no_grad;
  Shape batch_shape = input;
  batch_shape.insert(0, 1);
  Variable probe(Tensor::zeros(batch_shape));  // one sample of zeros finds each output shape
  BatchNeed need;
  for (size_t i = 0; i < config.layers.size(); ++i) {
    LayerConfig& layer = config.layers[i];
    const Shape in = sample_shape(probe.shape());
    const nn::LayerInput input{in, describe_input(in, i), gen};
    BuiltLayer built = layer.layer.build([&] { return layers().find(layer.layer.type).make(layer.layer.map(), input); });
    std::shared_ptr<nn::Module> module = std::move(built.module);
    layer.layer.options = std::move(built.options);  // with what the layer inferred, e.g. `in`
    apply_init(*module, layer, gen);
    if (const int64_t samples = module->min_training_batch(in); samples > need.samples) need = {samples, i, layer.layer.type};
    module->eval();  // the probe must not draw dropout masks
    try {
      probe = module->forward(probe);
    } catch (const Error& e) {
      throw ConfigError(layer.layer.where, layer.layer.type + " cannot take " + input.source +
                                               ": " + e.what());
    }
    module->train();
    net->push_back(module);
  }
  if (!config.init_from.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(config.init_from, ec))
      throw ConfigError(config.init_from_where, "weights file '" + config.init_from + "' " +
                                                    (std::filesystem::is_directory(config.init_from, ec)
                                                         ? "is a folder: name a .safetensors file in it"
                                                         : "does not exist"));
    try {
      nn::load(*net, config.init_from, /*strict=*/true);
      require_finite_weights(*net, config.init_from);
    } catch (const Error& e) {
      throw ConfigError(config.init_from_where, std::string("cannot start from these weights: ") + e.what());
    }
  }
  return {net, sample_shape(probe.shape()), output_where(config), need};
}

}  // namespace minidl::experiment
