// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/detail/json_writer.hpp>
#include <mi/detail/type_traits.hpp>

#include <boost/describe/enumerators.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <limits>

namespace mi::detail {

// JSON Schema (draft 2020-12 vocabulary, as OpenRPC 1.3 uses) of a parameter or result type.
// An empty schema means "any JSON value": the type gives nothing more precise.
template <class T>
boost::json::value schema_of() {
    using boost::json::array;
    using boost::json::object;
    if constexpr (std::same_as<T, bool>) {
        return object{{"type", "boolean"}};
    } else if constexpr (integer<T>) {
        return object{{"type", "integer"},
                      {"minimum", std::numeric_limits<T>::min()},
                      {"maximum", std::numeric_limits<T>::max()}};
    } else if constexpr (std::is_floating_point_v<T>) {
        return object{{"type", "number"}};
    } else if constexpr (described_enum<T>) {
        array names;
        boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>(
            [&](auto e) { names.emplace_back(e.name); });
        return object{{"type", "string"}, {"enum", std::move(names)}};
    } else if constexpr (string_like<T> || std::same_as<T, boost::json::string>) {
        return object{{"type", "string"}};
    } else if constexpr (std::same_as<T, std::nullptr_t>) {
        return object{{"type", "null"}};
    } else if constexpr (is_optional<T>) {
        return schema_of<typename T::value_type>();
    } else if constexpr (std::same_as<T, boost::json::object>) {
        return object{{"type", "object"}};
    } else if constexpr (std::same_as<T, boost::json::array>) {
        return object{{"type", "array"}};
    } else if constexpr (described_struct<T>) {
        object properties;
        array required;
        boost::mp11::mp_for_each<public_members<T>>([&](auto member) {
            using M = std::remove_cvref_t<decltype(std::declval<T&>().*member.pointer)>;
            properties[member.name] = schema_of<M>();
            if (!is_optional<M>) required.emplace_back(member.name);
        });
        return object{{"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
    } else if constexpr (has_value_from_customization<T> || json_dom<T>) {
        return object{};
    } else if constexpr (map_like<T>) {
        using M = std::remove_cvref_t<decltype(std::declval<iteration::element_t<T>>().second)>;
        return object{{"type", "object"}, {"additionalProperties", schema_of<M>()}};
    } else if constexpr (sequence_like<T>) {
        return object{{"type", "array"}, {"items", schema_of<std::remove_cvref_t<iteration::element_t<T>>>()}};
    } else if constexpr (tuple_like<T>) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return object{{"type", "array"},
                          {"prefixItems", array{schema_of<std::remove_cvref_t<std::tuple_element_t<I, T>>>()...}}};
        }(std::make_index_sequence<std::tuple_size_v<T>>{});
    } else {
        return object{};
    }
}

// A parameter as a vector<T> binds it: OpenSIPS wants at least one item.
template <class T>
boost::json::value param_schema_of() {
    auto schema = schema_of<T>();
    if constexpr (is_vector<T>) schema.as_object()["minItems"] = 1;
    else if constexpr (is_optional<T>)
        if constexpr (is_vector<typename T::value_type>) schema.as_object()["minItems"] = 1;
    return schema;
}

} // namespace mi::detail
