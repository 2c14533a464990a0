#pragma once
// Dropout: zeroes each element with probability p during training, scaling the survivors
// by 1/(1-p) so the expected activation is unchanged; the identity in eval mode.
#include <string_view>
#include <tuple>

#include "minidl/core/generator.hpp"
#include "minidl/core/options.hpp"
#include "minidl/nn/layer_input.hpp"
#include "minidl/nn/module.hpp"

namespace minidl::nn {

struct DropoutOptions {
  double p = 0.5;
  static constexpr auto fields() {
    return std::tuple{option("p", &DropoutOptions::p, check::unit_interval, "probability of zeroing an element")};
  }
};

/// Owns its Generator, so its masks depend only on the seed it was given, never on other
/// layers' draws or on threads.
class Dropout : public Module {
 public:
  using Options = DropoutOptions;
  static constexpr std::string_view doc =
      "zeroes each element with probability p in training, scales the rest by 1/(1-p)";
  /// Seeded by one draw from nn::default_generator() (so nn::manual_seed fixes it).
  explicit Dropout(const DropoutOptions& options = {}) : Dropout(static_cast<float>(options.p)) {}
  explicit Dropout(float p);
  /// Draws its masks from `gen` (a copy it keeps; pass Generator(seed)).
  Dropout(float p, Generator gen);

  /// For a config: its own generator, seeded by one draw from the run's, so its masks never
  /// depend on other layers' draws.
  static std::shared_ptr<Dropout> build(DropoutOptions& options, const LayerInput& input);

  Variable forward(const Variable& input) override;
  std::string extra_repr() const override;
  float p() const { return p_; }
  /// The mask generator.
  Generator& generator() { return gen_; }
  /// Extra state {"generator": generator_state(generator())}: a checkpoint continues the masks
  /// exactly. Not in state_dict(), as in PyTorch.
  StateDict get_extra_state() const override;
  void set_extra_state(const StateDict& state) override;

 private:
  float p_;
  Generator gen_;
};

}  // namespace minidl::nn
