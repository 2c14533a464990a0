#pragma once
// What the one fields() declaration of an options struct provides: building from an OptionMap
// (unknown names get a "did you mean"), validation naming option and value, printing,
// conversion back to a map or an ordered list, and per-option documentation. Every error is an
// OptionError naming the component and the option.
#include <iterator>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "minidl/core/error.hpp"
#include "minidl/core/option.hpp"
#include "minidl/core/option_value.hpp"

namespace minidl {

/// An aggregate whose static constexpr fields() returns a std::tuple of Option<Self, T>.
template <class O>
concept OptionsStruct = requires {
  std::tuple_size<decltype(O::fields())>::value;
};

/// Options for a component that has none.
struct NoOptions {
  static constexpr auto fields() { return std::tuple{}; }
};

/// One option as documentation, help text and `minidl list` show it.
struct OptionInfo {
  std::string name;
  std::string type;           // "number", "boolean", "integer", ...
  std::string default_value;  // as format_options prints it; "none" for an unset optional
  std::string expected;       // the check: ">= 0", "in [0, 1)", "one of fan_in, fan_out"
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
[[noreturn]] void throw_option_choice(std::string_view owner, std::string_view name,
                                      std::span<const std::string_view> choices, const std::string& got);
[[noreturn]] void throw_missing_option(std::string_view owner, std::string_view name);
/// "one of a, b" for choices, else the check's own text.
std::string describe_check(std::string_view expected, std::span<const std::string_view> choices);
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
                     OptionTraits<T>::format(defaults.*opt.member),
                     detail::describe_check(opt.check.expected, opt.check.choices), std::string(opt.doc),
                     opt.is_required});
  });
  return infos;
}

/// The option `name` of `options` (OptionError for an unknown name or an unset optional).
template <OptionsStruct O>
OptionValue get_option(const O& options, std::string_view name, std::string_view owner) {
  std::optional<OptionValue> found;
  bool known = false;
  for_each_option<O>([&](const auto& opt) {
    using T = typename std::decay_t<decltype(opt)>::Type;
    if (opt.name != name) return;
    known = true;
    if constexpr (is_optional_v<T>) {
      if (!(options.*opt.member)) return;
    }
    found = OptionTraits<T>::to(options.*opt.member);
  });
  if (!known) detail::throw_unknown_option(owner, name, option_names<O>());
  if (!found) throw OptionError(std::string(owner), std::string(name), "option " + std::string(name) + " is not set");
  return *found;
}

/// Sets option `name` from `value` after checking its type (not its range: see validate_options).
template <OptionsStruct O>
void set_option(O& options, std::string_view name, const OptionValue& value, std::string_view owner) {
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

/// Throws OptionError naming the first option that fails its check and its value; then runs
/// the struct's own `void validate() const` for checks across options, if it has one.
template <OptionsStruct O>
void validate_options(const O& options, std::string_view owner) {
  for_each_option<O>([&](const auto& opt) {
    using T = typename std::decay_t<decltype(opt)>::Type;
    using V = checked_type_t<T>;
    const V* value = nullptr;
    if constexpr (is_optional_v<T>) {
      if (!(options.*opt.member)) return;
      value = &*(options.*opt.member);
    } else {
      value = &(options.*opt.member);
    }
    if (opt.check.ok && !opt.check.ok(*value))
      detail::throw_option_check(owner, opt.name, opt.check.expected, OptionTraits<V>::format(*value));
    if constexpr (std::is_same_v<V, std::string>) {
      if (!opt.check.choices.empty()) {
        bool allowed = false;
        for (std::string_view choice : opt.check.choices) allowed = allowed || choice == *value;
        if (!allowed) detail::throw_option_choice(owner, opt.name, opt.check.choices, *value);
      }
    }
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
/// an unknown name, a wrong type or a failed check throws OptionError naming `owner`.
template <OptionsStruct O>
O options_from_map(const OptionMap& map, std::string_view owner, O base = {}) {
  for_each_option<O>([&](const auto& opt) {
    if (opt.is_required && !map.contains(opt.name)) detail::throw_missing_option(owner, opt.name);
  });
  apply_options(base, map, owner);
  return base;
}

/// Every set option of `options` in declaration order, as a resolved config prints them.
template <OptionsStruct O>
OptionList options_to_list(const O& options) {
  OptionList list;
  for_each_option<O>([&](const auto& opt) {
    using T = typename std::decay_t<decltype(opt)>::Type;
    if constexpr (is_optional_v<T>) {
      if (!(options.*opt.member)) return;
    }
    list.emplace_back(opt.name, OptionTraits<T>::to(options.*opt.member));
  });
  return list;
}

/// Every set option of `options` by name.
template <OptionsStruct O>
OptionMap options_to_map(const O& options) {
  OptionList list = options_to_list(options);
  return OptionMap(std::make_move_iterator(list.begin()), std::make_move_iterator(list.end()));
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
    if (OptionTraits<T>::format(options.*opt.member) == OptionTraits<T>::format(base.*opt.member)) return;
    if (!text.empty()) text += ", ";
    text += std::string(opt.name) + "=" + OptionTraits<T>::format(options.*opt.member);
  });
  return text;
}

}  // namespace minidl
