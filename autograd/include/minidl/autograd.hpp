#pragma once
// The autograd layer: Variables, differentiable ops and losses, backward, NoGradGuard.
#include "minidl/autograd/grad_mode.hpp"
#include "minidl/autograd/gradcheck.hpp"
#include "minidl/autograd/image_ops.hpp"
#include "minidl/autograd/loss.hpp"
#include "minidl/autograd/node.hpp"
#include "minidl/autograd/ops.hpp"
#include "minidl/autograd/variable.hpp"
#include "minidl/core.hpp"
