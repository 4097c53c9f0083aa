// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/json/conversion.hpp>
#include <boost/json/fwd.hpp>

#include <concepts>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace mi::detail {

template <class...>
inline constexpr bool dependent_false = false;

template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;

template <class T>
inline constexpr bool is_vector = false;
template <class T, class A>
inline constexpr bool is_vector<std::vector<T, A>> = true;

// std::map, std::unordered_map or any map of that interface keyed by std::string: checked by its members so that
// this header need not include <map>.
template <class T>
concept string_keyed_map = std::same_as<typename T::key_type, std::string> &&
                           requires(T& map, std::string const& key) {
                               typename T::mapped_type;
                               map.clear();
                               { map.contains(key) } -> std::same_as<bool>;
                               map[key];
                           };

template <class T>
concept integer = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> &&
                  !std::same_as<T, char8_t> && !std::same_as<T, char16_t> && !std::same_as<T, char32_t> &&
                  !std::same_as<T, wchar_t>;

template <class T>
concept described_enum = std::is_enum_v<T> && boost::describe::has_describe_enumerators<T>::value;

template <class T>
concept described_struct = std::is_class_v<T> && !std::is_union_v<T> &&
                           boost::describe::has_describe_members<T>::value;

template <class T>
concept json_dom = std::same_as<T, boost::json::value> || std::same_as<T, boost::json::object> ||
                   std::same_as<T, boost::json::array>;

// The public data members of a described struct, bases included.
template <class T>
using public_members = boost::describe::describe_members<T, boost::describe::mod_public | boost::describe::mod_inherited>;

// The type of the member a Boost.Describe descriptor names.
template <class T, class Descriptor>
using member_type = std::remove_cvref_t<decltype(std::declval<T&>().*Descriptor::pointer)>;

template <class T>
concept has_value_from_customization = requires(boost::json::value& v, T const& t) {
    tag_invoke(boost::json::value_from_tag{}, v, t);
};

template <class T>
concept string_like = std::convertible_to<T const&, std::string_view> && !std::same_as<T, std::nullptr_t>;

// What a range-for statement accepts, found as it finds it (member or ADL begin and end) without <ranges>,
// which alone would add a tenth of a second to every translation unit that includes mi.
namespace iteration {
using std::begin;
using std::end;

template <class T>
concept iterable = requires(T const& range) {
    { begin(range) } -> std::input_iterator;
    end(range);
};

template <iterable T>
using element_t = std::iter_value_t<decltype(begin(std::declval<T const&>()))>;
} // namespace iteration

template <class T>
concept map_like = iteration::iterable<T> && requires(iteration::element_t<T> entry) {
    { entry.first } -> std::convertible_to<std::string_view>;
    entry.second;
};

// What a map_like range maps to.
template <class T>
using mapped_type = std::remove_cvref_t<decltype(std::declval<iteration::element_t<T>>().second)>;

template <class T>
concept sequence_like = iteration::iterable<T> && !string_like<T> && !map_like<T>;

template <class T>
concept tuple_like = requires { std::tuple_size<T>::value; } && !iteration::iterable<T>;

} // namespace mi::detail
