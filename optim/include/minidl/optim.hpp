#pragma once
// The optim layer: optimizers (SGD, Adagrad, Adam, AdamW, RMSprop), learning-rate
// schedulers, gradient clipping, and the registries that make them available by name.
#include "minidl/optim/adagrad.hpp"
#include "minidl/optim/adam.hpp"
#include "minidl/optim/adamw.hpp"
#include "minidl/optim/clip_grad.hpp"
#include "minidl/optim/optimizer.hpp"
#include "minidl/optim/options.hpp"
#include "minidl/optim/param_group.hpp"
#include "minidl/optim/param_state.hpp"
#include "minidl/optim/registry.hpp"
#include "minidl/optim/rmsprop.hpp"
#include "minidl/optim/scheduler.hpp"
#include "minidl/optim/schedulers.hpp"
#include "minidl/optim/sgd.hpp"
#include "minidl/optim/state_dict.hpp"
