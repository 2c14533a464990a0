// The built-in layers: one line each; their options and documentation are declared with the
// modules in nn.
#include "minidl/experiment/layer_registry.hpp"

#include "minidl/nn/activation.hpp"
#include "minidl/nn/batch_norm.hpp"
#include "minidl/nn/conv2d.hpp"
#include "minidl/nn/dropout.hpp"
#include "minidl/nn/flatten.hpp"
#include "minidl/nn/identity.hpp"
#include "minidl/nn/layer_norm.hpp"
#include "minidl/nn/linear.hpp"
#include "minidl/nn/pooling.hpp"

namespace minidl::experiment {

namespace {

void add_builtins(Registry<LayerEntry>& r) {
  r.add(layer_entry<nn::Linear>("linear"));
  r.add(layer_entry<nn::ReLU>("relu"));
  r.add(layer_entry<nn::LeakyReLU>("leaky_relu"));
  r.add(layer_entry<nn::Sigmoid>("sigmoid"));
  r.add(layer_entry<nn::Tanh>("tanh"));
  r.add(layer_entry<nn::Softmax>("softmax"));
  r.add(layer_entry<nn::LogSoftmax>("log_softmax"));
  r.add(layer_entry<nn::Flatten>("flatten"));
  r.add(layer_entry<nn::Dropout>("dropout"));
  r.add(layer_entry<nn::Identity>("identity"));
  r.add(layer_entry<nn::Conv2d>("conv2d"));
  r.add(layer_entry<nn::MaxPool2d>("max_pool2d"));
  r.add(layer_entry<nn::AvgPool2d>("avg_pool2d"));
  r.add(layer_entry<nn::AdaptiveAvgPool2d>("adaptive_avg_pool2d"));
  r.add(layer_entry<nn::BatchNorm1d>("batch_norm1d"));
  r.add(layer_entry<nn::BatchNorm2d>("batch_norm2d"));
  r.add(layer_entry<nn::LayerNorm>("layer_norm"));
}

}  // namespace

Registry<LayerEntry>& layers() {
  static Registry<LayerEntry> registry("layer");
  [[maybe_unused]] static const bool builtins = (add_builtins(registry), true);
  return registry;
}

}  // namespace minidl::experiment
