#include "minidl/nn/random.hpp"

namespace minidl::nn {

Generator& default_generator() {
  static Generator generator(0);
  return generator;
}

void manual_seed(uint64_t seed) { default_generator() = Generator(seed); }

}  // namespace minidl::nn
