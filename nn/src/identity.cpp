#include "minidl/nn/identity.hpp"

namespace minidl::nn {

Variable Identity::forward(const Variable& input) { return input; }

}  // namespace minidl::nn
