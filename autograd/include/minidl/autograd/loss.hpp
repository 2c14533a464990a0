#pragma once
// Loss functions with PyTorch semantics and reduction mean | sum | none.
#include <functional>
#include <string>
#include <string_view>

#include "minidl/autograd/variable.hpp"

namespace minidl {

enum class Reduction { Mean, Sum, None };
/// "mean" | "sum" | "none"; throws ValueError naming the bad value otherwise.
Reduction parse_reduction(std::string_view name);
const char* reduction_name(Reduction r);

/// (input - target)^2.
Variable mse_loss(const Variable& input, const Variable& target, Reduction r = Reduction::Mean);
/// |input - target|.
Variable l1_loss(const Variable& input, const Variable& target, Reduction r = Reduction::Mean);
/// 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta).
Variable huber_loss(const Variable& input, const Variable& target, Reduction r = Reduction::Mean,
                    float delta = 1.0f);
/// logits [N, C] and int64 class indices [N]; log_softmax + nll in one stable pass.
Variable cross_entropy(const Variable& logits, const Tensor& target, Reduction r = Reduction::Mean);
/// log-probabilities [N, C] and int64 class indices [N].
Variable nll_loss(const Variable& log_probs, const Tensor& target, Reduction r = Reduction::Mean);
/// Stable: max(x,0) - x*t + log(1 + exp(-|x|)).
Variable binary_cross_entropy_with_logits(const Variable& logits, const Variable& target,
                                          Reduction r = Reduction::Mean);

namespace detail {
/// Makes the name a loss's error messages start with. It is called only when an error is thrown:
/// nn's loss modules name themselves by their demangled class, too slow for every step.
using ErrorName = std::function<std::string()>;
// The losses above, with errors named by `name` (nn's modules pass their class name,
// "CrossEntropyLoss"), so their inputs are checked once, by the same code.
Variable mse_loss(const Variable& input, const Variable& target, Reduction r, const ErrorName& name);
Variable l1_loss(const Variable& input, const Variable& target, Reduction r, const ErrorName& name);
Variable huber_loss(const Variable& input, const Variable& target, Reduction r, float delta, const ErrorName& name);
Variable cross_entropy(const Variable& logits, const Tensor& target, Reduction r, const ErrorName& name);
Variable nll_loss(const Variable& log_probs, const Tensor& target, Reduction r, const ErrorName& name);
Variable binary_cross_entropy_with_logits(const Variable& logits, const Variable& target, Reduction r,
                                          const ErrorName& name);
}  // namespace detail

}  // namespace minidl
