#include "minidl/nn/dropout.hpp"

#include "minidl/autograd/ops.hpp"
#include "minidl/core/error.hpp"
#include "minidl/nn/random.hpp"
#include "repr.hpp"

namespace minidl::nn {

std::shared_ptr<Dropout> Dropout::build(DropoutOptions& options, const LayerInput& input) {
  return std::make_shared<Dropout>(static_cast<float>(options.p), Generator(input.gen.next_u64()));
}

Dropout::Dropout(float p) : Dropout(p, Generator(default_generator().next_u64())) {}

Dropout::Dropout(float p, Generator gen) : p_(p), gen_(gen) {
  if (!(p >= 0.0f && p <= 1.0f))
    throw ValueError("Dropout: p must be in [0, 1], got " + detail::format_float(p));
}

Variable Dropout::forward(const Variable& input) {
  if (!is_training() || p_ == 0.0f) return input;
  // One draw keys the call's Philox stream, so the mask is a function of the seed alone and is
  // drawn in parallel (a serial draw per element took 9 ns of d2l's dropout MLP's each).
  return dropout(input, p_, gen_.next_u64());
}

std::string Dropout::extra_repr() const { return "p=" + detail::format_float(p_); }

StateDict Dropout::get_extra_state() const { return {{"generator", generator_state(gen_)}}; }

void Dropout::set_extra_state(const StateDict& state) {
  gen_.set_state(generator_state_from(state.at("generator"), "Dropout: \"generator\""));
}

}  // namespace minidl::nn
