#pragma once
// The initialisers a layer's `init` map can name for each parameter, and how to add one.
#include <functional>

#include "minidl/autograd/variable.hpp"
#include "minidl/core/generator.hpp"
#include "minidl/experiment/registry.hpp"

namespace minidl::experiment {

/// Fills `parameter` in place (the nn::init functions, with options from the config).
using Initializer = std::function<void(const Variable& parameter, const Options& options, Generator& gen)>;
using InitRegistry = Registry<Initializer>;

/// The initialisers configs can name. Built in (torch.nn.init): zeros, ones, constant, uniform,
/// normal, xavier_uniform, xavier_normal, kaiming_uniform, kaiming_normal.
InitRegistry& initializers();

}  // namespace minidl::experiment
