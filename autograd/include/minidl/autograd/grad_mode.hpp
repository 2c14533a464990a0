#pragma once
// Whether ops record the graph. On by default; NoGradGuard turns it off for a scope.

namespace minidl {

/// True when ops on Variables record backward nodes (per thread).
bool grad_enabled();
void set_grad_enabled(bool enabled);

/// Scoped, nestable: nothing is recorded while one is alive (optimizer updates, evaluation).
class NoGradGuard {
 public:
  NoGradGuard() : previous_(grad_enabled()) { set_grad_enabled(false); }
  ~NoGradGuard() { set_grad_enabled(previous_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace minidl
