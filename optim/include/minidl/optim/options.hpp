#pragma once
// What the one fields() declaration of an options struct provides: building from an OptionMap
// (unknown names get a "did you mean"), validation naming option and value, printing,
// conversion back to a map, and per-option documentation.
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "minidl/optim/option.hpp"
#include "minidl/optim/option_value.hpp"

namespace minidl::optim {

/// An aggregate whose static constexpr fields() returns a std::tuple of Option<Self, T>.
template <class O>
concept OptionsStruct = requires {
  std::tuple_size<decltype(O::fields())>::value;
};

/// One option as documentation and help text show it.
struct OptionInfo {
  std::string name;
  std::string type;           // "a number", "true or false", ...
  std::string default_value;  // as format_options prints it
  std::string expected;       // the check: ">= 0", "in [0, 1)", ...
  std::string doc;
  bool required = false;
};

namespace detail {
[[noreturn]] void throw_unknown_option(std::string_view owner, std::string_view name,
                                       const std::vector<std::string_view>& known);
[[noreturn]] void throw_option_type(std::string_view owner, std::string_view name,
                                    std::string_view expected_type, const OptionValue& got);
[[noreturn]] void throw_option_check(std::string_view owner, std::string_view name,
                                     std::string_view expected, const std::string& got);
[[noreturn]] void throw_missing_option(std::string_view owner, std::string_view name);
}  // namespace detail

/// Calls f(option) for each declared option of O, in declaration order.
template <OptionsStruct O, class F>
constexpr void for_each_option(F&& f) {
  std::apply([&](const auto&... opt) { (f(opt), ...); }, O::fields());
}

/// The declared option names of O, in order.
template <OptionsStruct O>
std::vector<std::string_view> option_names() {
  std::vector<std::string_view> names;
  for_each_option<O>([&](const auto& opt) { names.push_back(opt.name); });
  return names;
}

/// Name, type, default (O's member initialisers), check and documentation of each option.
template <OptionsStruct O>
std::vector<OptionInfo> option_infos() {
  const O defaults{};
  std::vector<OptionInfo> infos;
  for_each_option<O>([&](const auto& opt) {
    using T = typename std::decay_t<decltype(opt)>::Type;
    infos.push_back({std::string(opt.name), std::string(OptionTraits<T>::type),
                     OptionTraits<T>::format(defaults.*opt.member), std::string(opt.check.expected),
                     std::string(opt.doc), opt.is_required});
  });
  return infos;
}

/// The option `name` of `options`; throws ValueError (with a suggestion) for an unknown name.
template <OptionsStruct O>
OptionValue get_option(const O& options, std::string_view name, std::string_view owner) {
  std::optional<OptionValue> found;
  for_each_option<O>([&](const auto& opt) {
    using T = typename std::decay_t<decltype(opt)>::Type;
    if (opt.name == name) found = OptionTraits<T>::to(options.*opt.member);
  });
  if (!found) detail::throw_unknown_option(owner, name, option_names<O>());
  return *found;
}

/// Sets option `name` from `value` after checking its type (not its range: see validate_options).
template <OptionsStruct O>
void set_option(O& options, std::string_view name, const OptionValue& value,
                std::string_view owner) {
  bool found = false;
  for_each_option<O>([&](const auto& opt) {
    using T = typename std::decay_t<decltype(opt)>::Type;
    if (opt.name != name) return;
    auto converted = OptionTraits<T>::from(value);
    if (!converted) detail::throw_option_type(owner, name, OptionTraits<T>::type, value);
    options.*opt.member = std::move(*converted);
    found = true;
  });
  if (!found) detail::throw_unknown_option(owner, name, option_names<O>());
}

/// Throws ValueError naming the first option that fails its check and its value; then runs
/// the struct's own `void validate() const` for checks across options, if it has one.
template <OptionsStruct O>
void validate_options(const O& options, std::string_view owner) {
  for_each_option<O>([&](const auto& opt) {
    using T = typename std::decay_t<decltype(opt)>::Type;
    if (opt.check.ok && !opt.check.ok(options.*opt.member))
      detail::throw_option_check(owner, opt.name, opt.check.expected,
                                 OptionTraits<T>::format(options.*opt.member));
  });
  if constexpr (requires { options.validate(); }) options.validate();
}

/// Sets every option in `map` on `options`, then validates the result as a whole (so options
/// that are only valid together can be changed together).
template <OptionsStruct O>
void apply_options(O& options, const OptionMap& map, std::string_view owner) {
  for (const auto& [name, value] : map) set_option(options, name, value, owner);
  validate_options(options, owner);
}

/// `base` with every option in `map` set, validated. A required option missing from the map,
/// an unknown name, a wrong type or a failed check throws ValueError naming `owner`.
template <OptionsStruct O>
O options_from_map(const OptionMap& map, std::string_view owner, O base = {}) {
  for_each_option<O>([&](const auto& opt) {
    if (opt.is_required && !map.contains(opt.name)) detail::throw_missing_option(owner, opt.name);
  });
  apply_options(base, map, owner);
  return base;
}

/// Every option of `options` by name.
template <OptionsStruct O>
OptionMap options_to_map(const O& options) {
  OptionMap map;
  for_each_option<O>([&](const auto& opt) {
    using T = typename std::decay_t<decltype(opt)>::Type;
    map.emplace(opt.name, OptionTraits<T>::to(options.*opt.member));
  });
  return map;
}

/// "lr=0.001, betas=(0.9, 0.999), eps=1e-08": the options in declaration order.
template <OptionsStruct O>
std::string format_options(const O& options) {
  std::string text;
  for_each_option<O>([&](const auto& opt) {
    using T = typename std::decay_t<decltype(opt)>::Type;
    if (!text.empty()) text += ", ";
    text += std::string(opt.name) + "=" + OptionTraits<T>::format(options.*opt.member);
  });
  return text;
}

/// "lr=0.5": only the options of `options` whose value differs from `base`'s.
template <OptionsStruct O>
std::string format_changed_options(const O& options, const O& base) {
  std::string text;
  for_each_option<O>([&](const auto& opt) {
    using T = typename std::decay_t<decltype(opt)>::Type;
    if (OptionTraits<T>::to(options.*opt.member) == OptionTraits<T>::to(base.*opt.member)) return;
    if (!text.empty()) text += ", ";
    text += std::string(opt.name) + "=" + OptionTraits<T>::format(options.*opt.member);
  });
  return text;
}

}  // namespace minidl::optim
