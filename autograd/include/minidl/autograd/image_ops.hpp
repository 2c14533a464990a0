#pragma once
// Differentiable image ops on NCHW float32 Variables, with PyTorch 1.13 semantics: convolution,
// pooling and normalisation. Sizes are Size2: one number for both dims, or (height, width), as
// PyTorch's F.conv2d(x, w, stride=2, padding=1). Results do not depend on the thread count.
#include <cstdint>

#include "minidl/autograd/variable.hpp"
#include "minidl/core/activation.hpp"
#include "minidl/core/size2.hpp"

namespace minidl {

/// F.conv2d: x [N, C, H, W], weight [O, C/groups, kh, kw], bias [O] or undefined. im2col + sgemm
/// per sample, parallel over the batch; the weight gradient is summed over fixed batch chunks.
/// With an activation, the result is activation(conv2d(...)), the same bits as the two ops, in
/// one pass: the activation is applied as the output is written, and its slope as the backward
/// reads the gradient. With average_pool = k > 1 as well, the result is
/// avg_pool2d(activation(conv2d(...)), k, k): each sample pooled while it is in cache, and the
/// pooled gradient spread over its windows as the backward reads it (the same bits as the ops).
Variable conv2d(const Variable& x, const Variable& weight, const Variable& bias = Variable(),
                Size2 stride = 1, Size2 padding = 0, Size2 dilation = 1, int64_t groups = 1,
                Activation activation = Activation::None, int64_t average_pool = 1);

/// F.max_pool2d on x [N, C, H, W] (floor mode; implicit -inf padding of at most half the kernel).
Variable max_pool2d(const Variable& x, Size2 kernel_size, Size2 stride, Size2 padding = 0);
/// max_pool2d with the stride equal to the kernel size, PyTorch's default.
inline Variable max_pool2d(const Variable& x, Size2 kernel_size) { return max_pool2d(x, kernel_size, kernel_size); }

/// F.avg_pool2d on x [N, C, H, W]; count_include_pad counts the zero padding in each divisor.
Variable avg_pool2d(const Variable& x, Size2 kernel_size, Size2 stride, Size2 padding = 0,
                    bool count_include_pad = true);
/// avg_pool2d with the stride equal to the kernel size, PyTorch's default.
inline Variable avg_pool2d(const Variable& x, Size2 kernel_size) { return avg_pool2d(x, kernel_size, kernel_size); }

/// F.adaptive_avg_pool2d on x [N, C, H, W]: window i of n spans [floor(i*H/n), ceil((i+1)*H/n)).
Variable adaptive_avg_pool2d(const Variable& x, Size2 output_size);

/// F.batch_norm over dim 1 of x [N, C] or [N, C, H, W] (any trailing dims). Training normalises
/// with the batch mean and biased variance and, when running_mean/var are given, updates them in
/// place: running = (1 - momentum) * running + momentum * batch (unbiased variance for
/// running_var). Evaluation normalises with the running statistics. weight/bias [C] may be
/// undefined (affine=false). Statistics are summed in double, so any thread count agrees. With an
/// activation, the result is activation(batch_norm(...)) with the same bits, the activation
/// applied as the output is written and its slope as the backward reads the gradient.
Variable batch_norm(const Variable& x, const Variable& weight, const Variable& bias, Tensor* running_mean,
                    Tensor* running_var, bool training, double momentum, double eps,
                    Activation activation = Activation::None);

/// F.layer_norm: normalises over the trailing dims `normalized_shape` of x; weight/bias of that
/// shape, or undefined.
Variable layer_norm(const Variable& x, const Shape& normalized_shape, const Variable& weight,
                    const Variable& bias, double eps);

}  // namespace minidl
