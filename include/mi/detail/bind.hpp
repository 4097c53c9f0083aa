// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/detail/tape.hpp>
#include <mi/detail/type_traits.hpp>

#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>

#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

namespace mi::detail {

// Why a value did not bind; the dispatcher turns it into the OpenSIPS -32602 data text.
enum class bind_fault { none, bad_type, bad_array_item, empty_array };

template <class T>
inline constexpr bool is_bindable = [] {
    if constexpr (std::same_as<T, bool> || integer<T> || std::is_floating_point_v<T> ||
                  std::same_as<T, std::string> || std::same_as<T, std::string_view> || described_enum<T> ||
                  json_dom<T>)
        return true;
    else if constexpr (is_optional<T> || is_vector<T>)
        return is_bindable<typename T::value_type>;
    else if constexpr (string_keyed_map<T>)
        return is_bindable<typename T::mapped_type>;
    else if constexpr (described_struct<T>)
        return std::is_default_constructible_v<T> && [] {
                   bool all = true;
                   boost::mp11::mp_for_each<public_members<T>>([&](auto member) {
                       using member_type = std::remove_cvref_t<decltype(std::declval<T&>().*member.pointer)>;
                       all = all && is_bindable<member_type>;
                   });
                   return all;
               }();
    else
        return false;
}();

// Strict decimal, as OpenSIPS reads integers sent as strings: an optional sign, then digits only.
template <integer T>
bool integer_from_text(std::string_view text, T& out) noexcept {
    bool negative = false;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    if (text.empty() || text.front() < '0' || text.front() > '9') return false;
    std::uint64_t magnitude = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), magnitude);
    if (ec != std::errc{} || end != text.data() + text.size()) return false;
    if (!negative) {
        if (!std::in_range<T>(magnitude)) return false;
        out = static_cast<T>(magnitude);
        return true;
    }
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

template <integer T>
bool integer_from_json(json_ref v, T& out) noexcept {
    switch (v.kind()) {
    case token_kind::int64:
        if (!std::in_range<T>(v.int64())) return false;
        return out = static_cast<T>(v.int64()), true;
    case token_kind::uint64:
        if (!std::in_range<T>(v.uint64())) return false;
        return out = static_cast<T>(v.uint64()), true;
    case token_kind::real: {
        double const d = v.real();
        if (std::trunc(d) != d) return false; // 1.5 is not an integer; never truncate silently
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
            auto const whole = static_cast<std::int64_t>(d);
            return std::in_range<T>(whole) && (out = static_cast<T>(whole), true);
        }
        if (d >= 0 && d < 18446744073709551616.0) {
            auto const whole = static_cast<std::uint64_t>(d);
            return std::in_range<T>(whole) && (out = static_cast<T>(whole), true);
        }
        return false;
    }
    case token_kind::string: return integer_from_text(v.string(), out);
    default: return false;
    }
}

// bind(v, out): the one place that turns JSON into a C++ parameter value.
template <class T>
bind_fault bind(json_ref v, T& out) {
    using enum bind_fault;
    if constexpr (std::same_as<T, bool>) {
        if (v.is(token_kind::boolean)) return out = v.boolean(), none;
        if (v.is(token_kind::int64) && (v.int64() == 0 || v.int64() == 1)) return out = v.int64() == 1, none;
        if (v.is(token_kind::string)) {
            // OpenSIPS's one-character flags, plus JSON's own spelling
            std::string_view const s = v.string();
            if (s == "1" || s == "y" || s == "Y" || s == "true") return out = true, none;
            if (s == "0" || s == "n" || s == "N" || s == "false") return out = false, none;
        }
        return bad_type;
    } else if constexpr (integer<T>) {
        return integer_from_json(v, out) ? none : bad_type;
    } else if constexpr (std::is_floating_point_v<T>) {
        double d = 0;
        switch (v.kind()) {
        case token_kind::int64: d = static_cast<double>(v.int64()); break;
        case token_kind::uint64: d = static_cast<double>(v.uint64()); break;
        case token_kind::real: d = v.real(); break;
        case token_kind::string: {
            std::string_view const s = v.string();
            auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
            if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return bad_type;
            break;
        }
        default: return bad_type;
        }
        if (std::isfinite(d) && std::abs(d) > std::numeric_limits<T>::max()) return bad_type;
        return out = static_cast<T>(d), none;
    } else if constexpr (std::same_as<T, std::string>) {
        switch (v.kind()) {
        case token_kind::string: return out.assign(v.string()), none;
        case token_kind::int64: return out = std::to_string(v.int64()), none;
        case token_kind::uint64: return out = std::to_string(v.uint64()), none;
        case token_kind::real: {
            // OpenSIPS writes a number read as a string as its integer part
            char digits[400];
            auto end = std::to_chars(digits, digits + sizeof digits, std::trunc(v.real()), std::chars_format::fixed, 0).ptr;
            return out.assign(digits, end), none;
        }
        default: return bad_type;
        }
    } else if constexpr (std::same_as<T, std::string_view>) {
        if (!v.is(token_kind::string)) return bad_type;
        return out = v.string(), none;
    } else if constexpr (described_enum<T>) {
        if (!v.is(token_kind::string)) return bad_type;
        std::string_view const s = v.string();
        bool found = false;
        boost::mp11::mp_for_each<boost::describe::describe_enumerators<T>>([&](auto e) {
            if (!found && s == e.name) found = true, out = e.value;
        });
        return found ? none : bad_type;
    } else if constexpr (std::same_as<T, boost::json::value>) {
        return out = v.to_value(), none;
    } else if constexpr (std::same_as<T, boost::json::object>) {
        return v.is(token_kind::object) ? (out = std::move(v.to_value().get_object()), none) : bad_type;
    } else if constexpr (std::same_as<T, boost::json::array>) {
        return v.is(token_kind::array) ? (out = std::move(v.to_value().get_array()), none) : bad_type;
    } else if constexpr (is_optional<T>) {
        if (v.is(token_kind::null)) return out.reset(), none;
        return bind(v, out.emplace());
    } else if constexpr (is_vector<T>) {
        if (!v.is(token_kind::array)) return bad_type;
        if (v.size() == 0) return empty_array; // OpenSIPS: an array parameter has at least one item
        out.clear();
        out.reserve(v.size());
        bind_fault fault = none;
        v.each_item([&](json_ref item) {
            if (fault == none && bind(item, out.emplace_back()) != none) fault = bad_array_item;
        });
        return fault;
    } else if constexpr (string_keyed_map<T>) {
        if (!v.is(token_kind::object)) return bad_type;
        out.clear();
        bind_fault fault = none;
        v.each_member([&](std::string_view key, json_ref item) {
            // the first of duplicate keys wins, as everywhere in a request
            if (fault == none && !out.contains(std::string(key)) && bind(item, out[std::string(key)]) != none)
                fault = bad_type;
        });
        return fault;
    } else if constexpr (described_struct<T>) {
        if (!v.is(token_kind::object)) return bad_type;
        bind_fault fault = none;
        boost::mp11::mp_for_each<public_members<T>>([&](auto member) {
            if (fault != none) return;
            auto& field = out.*member.pointer;
            if (auto const found = v.find(member.name)) {
                if (bind(*found, field) != none) fault = bad_type;
            } else if constexpr (!is_optional<std::remove_cvref_t<decltype(field)>>) {
                fault = bad_type;
            }
        });
        return fault;
    } else {
        static_assert(dependent_false<T>, "mi: this parameter type cannot be bound from JSON");
        return bad_type;
    }
}

} // namespace mi::detail
