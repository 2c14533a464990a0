#pragma once
// Generator: the seeded source of every random number in minidl.
#include <cstdint>
#include <span>

namespace minidl {

/// PCG32 (XSH-RR, O'Neill 2014): 64-bit state, 32-bit outputs. Uniform floats take the top
/// 24 bits of one output; normals come from Box-Muller on two uniforms. Draws are serial, so
/// results are identical for any thread count.
class Generator {
 public:
  explicit Generator(uint64_t seed = 0, uint64_t stream = 0);

  uint32_t next_u32();
  uint64_t next_u64();
  /// Uniform in [0, 1) with 24 bits of precision.
  float uniform();
  /// Uniform integer in [0, n) without modulo bias.
  uint64_t below(uint64_t n);
  /// Standard normal, by Box-Muller (the second value of a pair is kept for the next call).
  float normal();
  /// out[i] = mean + std * normal() for every i, and the generator left as those calls leave it:
  /// the same bits, with the uniforms drawn in order and their transforms (a log and a sincos in
  /// double, the bulk of the cost) computed in parallel.
  void fill_normal(std::span<float> out, float mean, float std);

  /// The complete state, for checkpoints: restoring it continues the exact sequence.
  struct State { uint64_t state, inc; bool has_spare; float spare; };
  State state() const { return {state_, inc_, has_spare_, spare_}; }
  void set_state(const State& s);

 private:
  uint64_t state_ = 0;
  uint64_t inc_ = 0;
  bool has_spare_ = false;
  float spare_ = 0.0f;
};

}  // namespace minidl
