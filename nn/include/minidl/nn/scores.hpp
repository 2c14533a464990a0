#pragma once
// What a model's outputs are, and what a loss takes: a config warns when a model that ends in
// probabilities feeds a loss that computes them itself (softmax before cross_entropy).

namespace minidl::nn {

enum class Scores {
  Unknown,           // anything: values, or a module that does not say
  Logits,            // raw scores, which the loss turns into probabilities itself
  Probabilities,     // softmax's or sigmoid's output
  LogProbabilities,  // log_softmax's output
};

}  // namespace minidl::nn
