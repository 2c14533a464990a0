#include "minidl/nn/random.hpp"

#include <array>
#include <bit>
#include <string>

#include "minidl/core/error.hpp"

namespace minidl::nn {

Generator& default_generator() {
  static Generator generator(0);
  return generator;
}

void manual_seed(uint64_t seed) { default_generator() = Generator(seed); }

Tensor generator_state(const Generator& generator) {
  const Generator::State s = generator.state();
  const std::array<int64_t, 4> fields = {std::bit_cast<int64_t>(s.state), std::bit_cast<int64_t>(s.inc),
                                         s.has_spare ? 1 : 0, std::bit_cast<uint32_t>(s.spare)};
  return Tensor::from_int64(fields, Shape{4});
}

Generator::State generator_state_from(const Tensor& state, std::string_view what) {
  const auto fail = [&](const std::string& why) {
    throw ValueError(std::string(what) + " must be a generator state (int64 [4]: state, inc, has_spare, spare bits): " + why);
  };
  if (state.dtype() != DType::Int64) fail("got " + std::string(dtype_name(state.dtype())));
  if (state.shape() != Shape{4}) fail("got shape " + to_string(state.shape()));
  const std::vector<int64_t> f = state.to_int64_vector();
  if (f[2] != 0 && f[2] != 1) fail("has_spare is " + std::to_string(f[2]));
  if (f[3] < 0 || f[3] > static_cast<int64_t>(UINT32_MAX)) fail("spare bits " + std::to_string(f[3]) + " are not 32 bits");
  return {std::bit_cast<uint64_t>(f[0]), std::bit_cast<uint64_t>(f[1]), f[2] == 1,
          std::bit_cast<float>(static_cast<uint32_t>(f[3]))};
}

}  // namespace minidl::nn
