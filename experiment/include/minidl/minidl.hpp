#pragma once
// Everything: tensors, autograd, nn, optim, data and the experiment layer.
#include "minidl/autograd.hpp"
#include "minidl/core.hpp"
#include "minidl/data.hpp"
#include "minidl/experiment.hpp"
#include "minidl/nn.hpp"
#include "minidl/optim.hpp"
