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
  // One serial draw per element keeps the mask a function of the seed alone.
  Tensor mask = Tensor::empty(input.shape());
  float* m = mask.data<float>();
  const float keep_scale = p_ < 1.0f ? 1.0f / (1.0f - p_) : 0.0f;
  for (int64_t i = 0, n = mask.numel(); i < n; ++i) m[i] = gen_.uniform() < p_ ? 0.0f : keep_scale;
  return mul(input, Variable(mask));
}

std::string Dropout::extra_repr() const { return "p=" + detail::format_float(p_); }

StateDict Dropout::get_extra_state() const { return {{"generator", generator_state(gen_)}}; }

void Dropout::set_extra_state(const StateDict& state) {
  gen_.set_state(generator_state_from(state.at("generator"), "Dropout: \"generator\""));
}

}  // namespace minidl::nn
