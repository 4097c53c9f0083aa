// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The families of composite types: optional, described structs, maps, sequences, tuples; and what claims nothing.
// See <mi/detail/json/types.hpp>.

#include <mi/detail/json/operations.hpp>

#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

namespace mi::detail {

/** std::optional<T>: an optional parameter (null or left out), or a result that may be null. */
struct optional_family {
    template <class T>
    static constexpr bool claims = is_optional<T>;
    template <class T>
    static constexpr bool binds = bindable_type<typename T::value_type>::value;
    template <class T>
    static constexpr bool writes = writable_type<typename T::value_type>::value;

    template <class T>
    static bind_fault bind(json_ref v, T& out) {
        if (v.is(token_kind::null)) return out.reset(), bind_fault::none;
        return detail::bind(v, out.emplace());
    }
    template <class T>
    static void write(json_writer& w, T const& value) {
        if (value) write_json(w, *value);
        else w.raw("null");
    }
    template <class T>
    static boost::json::value schema(schema_use use) { return json_schema_of<typename T::value_type>(use); }
};

// `"name":` of a described member, spelled out at compile time (an identifier needs no escaping).
template <class Member>
inline constexpr auto member_key = [] {
    constexpr std::size_t length = std::char_traits<char>::length(Member::name);
    std::array<char, length + 3> key{};
    key[0] = '"';
    std::copy_n(Member::name, length, key.data() + 1);
    key[length + 1] = '"';
    key[length + 2] = ':';
    return key;
}();

/** A struct described with BOOST_DESCRIBE_STRUCT: a JSON object of its public members (bases included); a member
    that is not std::optional is required. */
struct structure_family {
    template <class T>
    static constexpr bool claims = described_struct<T>;
    template <class T>
    using member_types = boost::mp11::mp_transform_q<boost::mp11::mp_bind_front<member_type, T>, public_members<T>>;
    template <class T>
    static constexpr bool binds = std::is_default_constructible_v<T> &&
                                  boost::mp11::mp_all_of<member_types<T>, bindable_type>::value;
    template <class T>
    static constexpr bool writes = boost::mp11::mp_all_of<member_types<T>, writable_type>::value;

    template <class T>
    static bind_fault bind(json_ref v, T& out) {
        if (!v.is(token_kind::object)) return bind_fault::bad_type;
        bind_fault fault = bind_fault::none;
        boost::mp11::mp_for_each<public_members<T>>([&](auto member) {
            if (fault != bind_fault::none) return;
            auto& field = out.*member.pointer;
            if (auto const found = v.find(member.name)) {
                if (detail::bind(*found, field) != bind_fault::none) fault = bind_fault::bad_type;
            } else if constexpr (!is_optional<std::remove_cvref_t<decltype(field)>>) {
                fault = bind_fault::bad_type;
            }
        });
        return fault;
    }
    template <class T>
    static void write(json_writer& w, T const& value) {
        w.list('{', '}', [&](auto separate) {
            boost::mp11::mp_for_each<public_members<T>>([&](auto member) {
                separate();
                constexpr auto const& key = member_key<decltype(member)>;
                w.raw(std::string_view(key.data(), key.size()));
                write_json(w, value.*member.pointer);
            });
        });
    }
    template <class T>
    static boost::json::value schema(schema_use) {
        boost::json::object properties;
        boost::json::array required;
        boost::mp11::mp_for_each<public_members<T>>([&](auto member) {
            using M = member_type<T, decltype(member)>;
            properties[member.name] = json_schema_of<M>();
            if (!is_optional<M>) required.emplace_back(member.name);
        });
        return boost::json::object{
            {"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
    }
};

// A std::vector of (std::string, T) pairs: an object whose members keep their order, as OpenSIPS writes statistics.
template <class T>
inline constexpr bool is_pair_vector = false;
template <class M, class A>
inline constexpr bool is_pair_vector<std::vector<std::pair<std::string, M>, A>> = true;

/** A map keyed by strings: a JSON object. Binds as any map keyed by std::string (std::map, std::unordered_map),
    the first of duplicate keys winning as everywhere in a request, or as a vector of (string, value) pairs in the
    members' order; writes from any range of pairs with string keys. */
struct map_family {
    template <class T>
    static constexpr bool claims = map_like<T> || string_keyed_map<T>;
    template <class T>
    static constexpr bool binds = [] {
        if constexpr (string_keyed_map<T>) return bindable_type<typename T::mapped_type>::value;
        else if constexpr (is_pair_vector<T>) return bindable_type<typename T::value_type::second_type>::value;
        else return false;
    }();
    template <class T>
    static constexpr bool writes = [] {
        if constexpr (map_like<T>) return writable_type<mapped_type<T>>::value;
        else return false;
    }();

    template <class T>
    static bind_fault bind(json_ref v, T& out) {
        if (!v.is(token_kind::object)) return bind_fault::bad_type;
        out.clear();
        bind_fault fault = bind_fault::none;
        if constexpr (is_pair_vector<T>) {
            out.reserve(v.size());
            v.each_member([&](std::string_view key, json_ref item) {
                auto& entry = out.emplace_back(std::string(key), typename T::value_type::second_type{});
                if (fault == bind_fault::none && detail::bind(item, entry.second) != bind_fault::none)
                    fault = bind_fault::bad_type;
            });
        } else {
            v.each_member([&](std::string_view key, json_ref item) {
                if (fault == bind_fault::none && !out.contains(std::string(key)) &&
                    detail::bind(item, out[std::string(key)]) != bind_fault::none)
                    fault = bind_fault::bad_type;
            });
        }
        return fault;
    }
    template <class T>
    static void write(json_writer& w, T const& value) {
        w.list('{', '}', [&](auto separate) {
            for (auto const& [key, mapped] : value) {
                separate();
                w.string(std::string_view(key));
                w.raw(':');
                write_json(w, mapped);
            }
        });
    }
    template <class T>
    static boost::json::value schema(schema_use) {
        return boost::json::object{{"type", "object"}, {"additionalProperties", json_schema_of<mapped_type<T>>()}};
    }
};

/** A sequence: a JSON array. Binds as std::vector, which OpenSIPS wants to have at least one item; writes from any
    range. */
struct sequence_family {
    template <class T>
    static constexpr bool claims = sequence_like<T>;
    template <class T>
    static constexpr bool binds = [] {
        if constexpr (is_vector<T>) return bindable_type<typename T::value_type>::value;
        else return false;
    }();
    template <class T>
    static constexpr bool writes = writable_type<std::remove_cvref_t<iteration::element_t<T>>>::value;

    template <class T>
    static bind_fault bind(json_ref v, T& out) {
        if (!v.is(token_kind::array)) return bind_fault::bad_type;
        if (v.size() == 0) return bind_fault::empty_array;
        out.clear();
        out.reserve(v.size());
        bind_fault fault = bind_fault::none;
        v.each_item([&](json_ref item) {
            if (fault == bind_fault::none && detail::bind(item, out.emplace_back()) != bind_fault::none)
                fault = bind_fault::bad_array_item;
        });
        return fault;
    }
    template <class T>
    static void write(json_writer& w, T const& value) {
        w.list('[', ']', [&](auto separate) {
            for (auto const& item : value) {
                separate();
                write_json(w, item);
            }
        });
    }
    template <class T>
    static boost::json::value schema(schema_use use) {
        boost::json::object schema{{"type", "array"}, {"items", json_schema_of<std::remove_cvref_t<iteration::element_t<T>>>()}};
        if (use == schema_use::param) schema["minItems"] = 1; // what binding refuses: an empty array
        return schema;
    }
};

/** A tuple or pair: a JSON array of its items, in order. */
struct tuple_family {
    template <class T>
    static constexpr bool claims = tuple_like<T>;
    template <class T>
    static constexpr bool binds = false;
    template <class T>
    static constexpr bool writes = []<std::size_t... I>(std::index_sequence<I...>) {
        return (writable_type<std::remove_cvref_t<std::tuple_element_t<I, T>>>::value && ...);
    }(std::make_index_sequence<std::tuple_size_v<T>>{});

    template <class T>
    static void write(json_writer& w, T const& value) {
        w.list('[', ']', [&](auto separate) {
            std::apply([&](auto const&... items) { ((separate(), write_json(w, items)), ...); }, value);
        });
    }
    template <class T>
    static boost::json::value schema(schema_use) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return boost::json::object{
                {"type", "array"},
                {"prefixItems", boost::json::array{json_schema_of<std::remove_cvref_t<std::tuple_element_t<I, T>>>()...}}};
        }(std::make_index_sequence<std::tuple_size_v<T>>{});
    }
};

template <class T>
inline constexpr bool is_variant = false;
template <class... Alternatives>
inline constexpr bool is_variant<std::variant<Alternatives...>> = true;

/** std::variant of writable types, a result that is one of several shapes: written as its alternative; its
    schema says "any of" them. */
struct variant_family : writes_only {
    template <class T>
    static constexpr bool claims = is_variant<T>;
    template <class T>
    static constexpr bool writes = []<class... Alternatives>(std::variant<Alternatives...> const*) {
        return (writable_type<Alternatives>::value && ...);
    }(static_cast<T const*>(nullptr));

    template <class T>
    static void write(json_writer& w, T const& value) {
        std::visit([&](auto const& alternative) { write_json(w, alternative); }, value);
    }
    template <class T>
    static boost::json::value schema(schema_use use) {
        return []<class... Alternatives>(std::variant<Alternatives...> const*, schema_use use) {
            return boost::json::object{{"anyOf", boost::json::array{json_schema_of<Alternatives>(use)...}}};
        }(static_cast<T const*>(nullptr), use);
    }
};

/** Anything else: neither bound nor written (the declaration's static_asserts say so); any JSON. */
struct no_family {
    template <class T>
    static constexpr bool claims = true;
    template <class T>
    static constexpr bool binds = false;
    template <class T>
    static constexpr bool writes = false;
    template <class T>
    static boost::json::value schema(schema_use) { return boost::json::object{}; }
};

} // namespace mi::detail
