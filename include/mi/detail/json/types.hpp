// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The C++ types mi maps to JSON, one family per kind of type. A family says which types it claims, whether they
// bind (as parameters) and write (as results), how, and their JSON Schema: binding, writing, the declaration's
// bindable/writable checks and the schema all read this one list, so a type is added in one place.

#include <mi/detail/json/tape.hpp>
#include <mi/detail/json/writer.hpp>
#include <mi/detail/traits.hpp>

#include <boost/describe/enum_to_string.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace mi::detail {

/** Why a value did not bind; the dispatcher turns it into the OpenSIPS -32602 data text. */
enum class bind_fault { none, bad_type, bad_array_item, empty_array };

/** What a schema describes: a parameter (which binding may restrict further) or a result. */
enum class schema_use { param, result };

// What the declaration's checks read, and the three operations every family's members recurse through: defined at
// the end of this file, from the families.
template <class T>
struct bindable_type;
template <class T>
struct writable_type;
template <class T>
bind_fault bind(json_ref v, T& out);
template <class T>
void write_json(json_writer& w, T const& value);
template <class T>
boost::json::value schema_of(schema_use use = schema_use::result);

// --- the families, in the order they claim a type -------------------------------------------------------

/** A type with a `tag_invoke(boost::json::value_from_tag, ...)`, its own or Boost.JSON's (std::variant): written as
    it says; any JSON. */
struct custom_family {
    template <class T>
    static constexpr bool claims = has_value_from_customization<T>;
    template <class T>
    static constexpr bool binds = false;
    template <class T>
    static constexpr bool writes = true;
    template <class T>
    static void write(json_writer& w, T const& value) { w.dom(boost::json::value_from(value)); }
    template <class T>
    static boost::json::value schema(schema_use) { return boost::json::object{}; }
};

/** bool: also OpenSIPS's one-character flags and 0/1. */
struct boolean_family {
    template <class T>
    static constexpr bool claims = std::same_as<T, bool>;
    template <class T>
    static constexpr bool binds = true;
    template <class T>
    static constexpr bool writes = true;
    static bind_fault bind(json_ref v, bool& out) {
        if (v.is(token_kind::boolean)) return out = v.boolean(), bind_fault::none;
        if (v.is(token_kind::int64) && (v.int64() == 0 || v.int64() == 1)) return out = v.int64() == 1, bind_fault::none;
        if (v.is(token_kind::string)) {
            std::string_view const s = v.string();
            if (s == "1" || s == "y" || s == "Y" || s == "true") return out = true, bind_fault::none;
            if (s == "0" || s == "n" || s == "N" || s == "false") return out = false, bind_fault::none;
        }
        return bind_fault::bad_type;
    }
    static void write(json_writer& w, bool value) { w.raw(value ? "true" : "false"); }
    template <class T>
    static boost::json::value schema(schema_use) { return boost::json::object{{"type", "boolean"}}; }
};

/** Integers of every width: range-checked, never wrapped or truncated; from strings as OpenSIPS clients send them. */
struct integer_family {
    template <class T>
    static constexpr bool claims = integer<T>;
    template <class T>
    static constexpr bool binds = true;
    template <class T>
    static constexpr bool writes = true;

    template <class T>
    static bind_fault bind(json_ref v, T& out) {
        return from_json(v, out) ? bind_fault::none : bind_fault::bad_type;
    }
    template <class T>
    static void write(json_writer& w, T value) { w.integer(value); }
    template <class T>
    static boost::json::value schema(schema_use) {
        return boost::json::object{
            {"type", "integer"}, {"minimum", std::numeric_limits<T>::min()}, {"maximum", std::numeric_limits<T>::max()}};
    }

    // Strict decimal, as OpenSIPS reads integers sent as strings: an optional sign, then digits only.
    template <class T>
    static bool from_text(std::string_view text, T& out) noexcept {
        bool negative = false;
        if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
            negative = text.front() == '-';
            text.remove_prefix(1);
        }
        if (text.empty() || text.front() < '0' || text.front() > '9') return false;
        std::uint64_t magnitude = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude);
        if (ec != std::errc{} || end != text.data() + text.size()) return false;
        if (!negative) return std::in_range<T>(magnitude) && (out = static_cast<T>(magnitude), true);
        if (magnitude == 0) return out = 0, true;
        if constexpr (std::is_signed_v<T>) {
            // -magnitude fits when magnitude <= |min|, computed without overflowing
            auto const limit = static_cast<std::uint64_t>(-(std::numeric_limits<T>::min() + 1)) + 1;
            if (magnitude > limit) return false;
            out = static_cast<T>(-static_cast<std::int64_t>(magnitude - 1) - 1);
            return true;
        } else {
            return false;
        }
    }

    template <class T, class Whole>
    static bool whole(Whole n, T& out) noexcept {
        return std::in_range<T>(n) && (out = static_cast<T>(n), true);
    }

    template <class T>
    static bool from_json(json_ref v, T& out) noexcept {
        switch (v.kind()) {
        case token_kind::int64: return whole(v.int64(), out);
        case token_kind::uint64: return whole(v.uint64(), out);
        case token_kind::real: {
            double const d = v.real();
            if (std::trunc(d) != d) return false; // 1.5 is not an integer; never truncate silently
            if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) return whole(static_cast<std::int64_t>(d), out);
            if (d >= 0 && d < 18446744073709551616.0) return whole(static_cast<std::uint64_t>(d), out);
            return false;
        }
        case token_kind::string: return from_text(v.string(), out);
        default: return false;
        }
    }
};

/** Floating point: from numbers and numeric strings; a value beyond the type's range is refused. */
struct floating_family {
    template <class T>
    static constexpr bool claims = std::is_floating_point_v<T>;
    template <class T>
    static constexpr bool binds = true;
    template <class T>
    static constexpr bool writes = true;

    template <class T>
    static bind_fault bind(json_ref v, T& out) {
        double d = 0;
        switch (v.kind()) {
        case token_kind::int64: d = static_cast<double>(v.int64()); break;
        case token_kind::uint64: d = static_cast<double>(v.uint64()); break;
        case token_kind::real: d = v.real(); break;
        case token_kind::string: {
            std::string_view const s = v.string();
            auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
            if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return bind_fault::bad_type;
            break;
        }
        default: return bind_fault::bad_type;
        }
        if (std::isfinite(d) && std::abs(d) > std::numeric_limits<T>::max()) return bind_fault::bad_type;
        return out = static_cast<T>(d), bind_fault::none;
    }
    template <class T>
    static void write(json_writer& w, T value) { w.number(static_cast<double>(value)); }
    template <class T>
    static boost::json::value schema(schema_use) { return boost::json::object{{"type", "number"}}; }
};

/** An enum described with BOOST_DESCRIBE_ENUM: by its enumerators' names. */
struct enumeration_family {
    template <class T>
    static constexpr bool claims = described_enum<T>;
    template <class T>
    static constexpr bool binds = true;
    template <class T>
    static constexpr bool writes = true;

    template <class T>
    static bind_fault bind(json_ref v, T& out) {
        if (!v.is(token_kind::string)) return bind_fault::bad_type;
        std::string_view const s = v.string();
        bool found = false;
        boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto e) {
            if (!found && s == e.name) found = true, out = e.value;
        });
        return found ? bind_fault::none : bind_fault::bad_type;
    }
    template <class T>
    static void write(json_writer& w, T value) {
        if (char const* name = boost::describe::enum_to_string(value, nullptr)) w.string(name);
        else w.integer(static_cast<std::underlying_type_t<T>>(value));
    }
    template <class T>
    static boost::json::value schema(schema_use) {
        boost::json::array names;
        boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto e) { names.emplace_back(e.name); });
        return boost::json::object{{"type", "string"}, {"enum", std::move(names)}};
    }
};

/** Text. Binds as std::string (also from numbers, as OpenSIPS reads them) or std::string_view (strings only, no
    copy); anything convertible to std::string_view writes. */
struct text_family {
    template <class T>
    static constexpr bool claims = string_like<T> || std::same_as<T, boost::json::string>;
    template <class T>
    static constexpr bool binds = std::same_as<T, std::string> || std::same_as<T, std::string_view>;
    template <class T>
    static constexpr bool writes = true;

    static bind_fault bind(json_ref v, std::string_view& out) {
        if (!v.is(token_kind::string)) return bind_fault::bad_type;
        return out = v.string(), bind_fault::none;
    }
    static bind_fault bind(json_ref v, std::string& out) {
        switch (v.kind()) {
        case token_kind::string: return out.assign(v.string()), bind_fault::none;
        case token_kind::int64: return out = std::to_string(v.int64()), bind_fault::none;
        case token_kind::uint64: return out = std::to_string(v.uint64()), bind_fault::none;
        case token_kind::real: {
            // OpenSIPS writes a number read as a string as its integer part
            char digits[400];
            auto end = std::to_chars(digits, digits + sizeof digits, std::trunc(v.real()), std::chars_format::fixed, 0).ptr;
            return out.assign(digits, end), bind_fault::none;
        }
        default: return bind_fault::bad_type;
        }
    }
    template <class T>
    static void write(json_writer& w, T const& value) {
        if constexpr (std::same_as<T, boost::json::string>) w.dom(value);
        else w.string(std::string_view(value));
    }
    template <class T>
    static boost::json::value schema(schema_use) { return boost::json::object{{"type", "string"}}; }
};

/** nullptr: written as null. */
struct null_family {
    template <class T>
    static constexpr bool claims = std::same_as<T, std::nullptr_t>;
    template <class T>
    static constexpr bool binds = false;
    template <class T>
    static constexpr bool writes = true;
    template <class T>
    static void write(json_writer& w, T) { w.raw("null"); }
    template <class T>
    static boost::json::value schema(schema_use) { return boost::json::object{{"type", "null"}}; }
};

/** boost::json::value, object and array: passed through; only these parameters get a DOM, of their own part. */
struct dom_family {
    template <class T>
    static constexpr bool claims = json_dom<T>;
    template <class T>
    static constexpr bool binds = true;
    template <class T>
    static constexpr bool writes = true;

    static bind_fault bind(json_ref v, boost::json::value& out) { return out = v.to_value(), bind_fault::none; }
    static bind_fault bind(json_ref v, boost::json::object& out) {
        if (!v.is(token_kind::object)) return bind_fault::bad_type;
        return out = std::move(v.to_value().get_object()), bind_fault::none;
    }
    static bind_fault bind(json_ref v, boost::json::array& out) {
        if (!v.is(token_kind::array)) return bind_fault::bad_type;
        return out = std::move(v.to_value().get_array()), bind_fault::none;
    }
    template <class T>
    static void write(json_writer& w, T const& value) { w.dom(value); }
    template <class T>
    static boost::json::value schema(schema_use) {
        if constexpr (std::same_as<T, boost::json::object>) return boost::json::object{{"type", "object"}};
        else if constexpr (std::same_as<T, boost::json::array>) return boost::json::object{{"type", "array"}};
        else return boost::json::object{};
    }
};

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
    static boost::json::value schema(schema_use use) { return schema_of<typename T::value_type>(use); }
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
        w.raw('{');
        bool first = true;
        boost::mp11::mp_for_each<public_members<T>>([&](auto member) {
            if (!std::exchange(first, false)) w.raw(',');
            constexpr auto const& key = member_key<decltype(member)>;
            w.raw(std::string_view(key.data(), key.size()));
            write_json(w, value.*member.pointer);
        });
        w.raw('}');
    }
    template <class T>
    static boost::json::value schema(schema_use) {
        boost::json::object properties;
        boost::json::array required;
        boost::mp11::mp_for_each<public_members<T>>([&](auto member) {
            using M = member_type<T, decltype(member)>;
            properties[member.name] = schema_of<M>();
            if (!is_optional<M>) required.emplace_back(member.name);
        });
        return boost::json::object{
            {"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
    }
};

/** A map keyed by strings: a JSON object. Binds as any map keyed by std::string (std::map, std::unordered_map),
    the first of duplicate keys winning as everywhere in a request; writes from any range of pairs with string keys. */
struct map_family {
    template <class T>
    static constexpr bool claims = map_like<T> || string_keyed_map<T>;
    template <class T>
    static constexpr bool binds = [] {
        if constexpr (string_keyed_map<T>) return bindable_type<typename T::mapped_type>::value;
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
        v.each_member([&](std::string_view key, json_ref item) {
            if (fault == bind_fault::none && !out.contains(std::string(key)) &&
                detail::bind(item, out[std::string(key)]) != bind_fault::none)
                fault = bind_fault::bad_type;
        });
        return fault;
    }
    template <class T>
    static void write(json_writer& w, T const& value) {
        w.raw('{');
        bool first = true;
        for (auto const& [key, mapped] : value) {
            if (!std::exchange(first, false)) w.raw(',');
            w.string(std::string_view(key));
            w.raw(':');
            write_json(w, mapped);
        }
        w.raw('}');
    }
    template <class T>
    static boost::json::value schema(schema_use) {
        return boost::json::object{{"type", "object"}, {"additionalProperties", schema_of<mapped_type<T>>()}};
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
        w.raw('[');
        bool first = true;
        for (auto const& item : value) {
            if (!std::exchange(first, false)) w.raw(',');
            write_json(w, item);
        }
        w.raw(']');
    }
    template <class T>
    static boost::json::value schema(schema_use use) {
        boost::json::object schema{{"type", "array"}, {"items", schema_of<std::remove_cvref_t<iteration::element_t<T>>>()}};
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
        w.raw('[');
        std::apply(
            [&](auto const&... items) {
                bool first = true;
                ((std::exchange(first, false) ? void() : w.raw(','), write_json(w, items)), ...);
            },
            value);
        w.raw(']');
    }
    template <class T>
    static boost::json::value schema(schema_use) {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return boost::json::object{
                {"type", "array"},
                {"prefixItems", boost::json::array{schema_of<std::remove_cvref_t<std::tuple_element_t<I, T>>>()...}}};
        }(std::make_index_sequence<std::tuple_size_v<T>>{});
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

// std::optional comes before the custom conversions because Boost.JSON converts it (and std::variant) through
// tag_invoke of its own: optional parameters are ours to bind.
using families = boost::mp11::mp_list<optional_family, custom_family, boolean_family, integer_family, floating_family,
                                      enumeration_family, text_family, null_family, dom_family, structure_family,
                                      map_family, sequence_family, tuple_family, no_family>;

template <class T>
struct claimed_by {
    template <class Family>
    using fn = std::bool_constant<Family::template claims<T>>;
};

/** The family that claims T: the first of `families` whose `claims<T>` holds. */
template <class T>
using family_of = boost::mp11::mp_at<families, boost::mp11::mp_find_if_q<families, claimed_by<T>>>;

// --- the checks and the operations, each read from T's family ------------------------------------------

template <class T>
struct bindable_type : std::bool_constant<family_of<T>::template binds<T>> {};
template <class T>
struct writable_type : std::bool_constant<family_of<T>::template writes<T>> {};

/** Whether a parameter of type T can be bound from JSON. */
template <class T>
inline constexpr bool is_bindable = bindable_type<T>::value;
/** Whether a result of type T can be written as JSON. */
template <class T>
inline constexpr bool is_writable = writable_type<T>::value;

template <class T>
bind_fault bind(json_ref v, T& out) {
    static_assert(is_bindable<T>, "mi: this parameter type cannot be bound from JSON");
    return family_of<T>::bind(v, out);
}

template <class T>
void write_json(json_writer& w, T const& value) {
    static_assert(is_writable<T>, "mi: this result type cannot be written as JSON; return a number, string, bool, "
                                  "container, std::optional, a type described with BOOST_DESCRIBE_STRUCT/ENUM, a "
                                  "boost::json type, or give it a tag_invoke(boost::json::value_from_tag, ...) "
                                  "overload");
    family_of<T>::write(w, value);
}

// JSON Schema (draft 2020-12 vocabulary, as OpenRPC 1.3 uses) of a parameter or result type. An empty schema means
// "any JSON value": the type gives nothing more precise.
template <class T>
boost::json::value schema_of(schema_use use) {
    return family_of<T>::template schema<T>(use);
}

// What a parameter's description points to.
template <class T>
boost::json::value param_schema_of() {
    return schema_of<T>(schema_use::param);
}

} // namespace mi::detail
