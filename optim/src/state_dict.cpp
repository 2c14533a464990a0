#include "minidl/optim/state_dict.hpp"

namespace minidl::optim {

void StateDict::merge(const StateDict& other) {
  tensors.insert(tensors.end(), other.tensors.begin(), other.tensors.end());
  for (const auto& [key, value] : other.metadata) metadata.insert_or_assign(key, value);
}

}  // namespace minidl::optim
