// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/describe/members.hpp>
#include <boost/json/fwd.hpp>

#include <concepts>
#include <cstdint>
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

} // namespace mi::detail
