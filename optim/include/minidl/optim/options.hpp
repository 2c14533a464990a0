#pragma once
// Optimizers and schedulers declare their options with the one option model every component
// uses (minidl/core/options.hpp); these names keep optim's spelling of it working.
#include "minidl/core/options.hpp"

namespace minidl::optim {
using minidl::Check;
using minidl::for_each_option;
using minidl::format_number;
using minidl::option;
using minidl::option_infos;
using minidl::options_from_map;
using minidl::options_to_map;
using minidl::OptionInfo;
using minidl::OptionMap;
using minidl::OptionValue;
namespace check = minidl::check;
}  // namespace minidl::optim
