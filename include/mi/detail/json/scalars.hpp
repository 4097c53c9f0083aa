// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The families of scalar types (and the types that convert themselves): see <mi/detail/json/types.hpp>.

#include <mi/detail/json/operations.hpp>

#include <boost/describe/enum_to_string.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/json/value_from.hpp>
#include <boost/mp11/algorithm.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

namespace mi::detail {

/** A type with a `tag_invoke(boost::json::value_from_tag, ...)`, its own or Boost.JSON's (std::variant): written as
    it says; any JSON. */
struct custom_family : writes_only {
    template <class T>
    static constexpr bool claims = has_value_from_customization<T>;
    template <class T>
    static void write(json_writer& w, T const& value) { w.dom(boost::json::value_from(value)); }
    template <class T>
    static boost::json::value schema(schema_use) { return boost::json::object{}; }
};

/** bool: also OpenSIPS's one-character flags and 0/1. */
struct boolean_family : binds_and_writes {
    template <class T>
    static constexpr bool claims = std::same_as<T, bool>;
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
struct integer_family : binds_and_writes {
    template <class T>
    static constexpr bool claims = integer<T>;

    template <class T>
    static bind_fault bind(json_ref v, T& out) {
        return from_json(v, out) ? bind_fault::none : bind_fault::bad_type;
    }
    template <class T>
    static void write(json_writer& w, T value) { w.integer(value); }
    // A 64-bit maximum is no double (JavaScript reads 2^64-1 as 2^64, beyond the range), so the schema says
    // "less than 2^N", which a double holds exactly; the minimums (0, -2^63) all are doubles.
    template <class T>
    static boost::json::value schema(schema_use) {
        boost::json::object s{{"type", "integer"}, {"minimum", std::numeric_limits<T>::min()}};
        if constexpr (std::numeric_limits<T>::digits < std::numeric_limits<double>::digits)
            s["maximum"] = std::numeric_limits<T>::max();
        else
            s["exclusiveMaximum"] = std::ldexp(1.0, std::numeric_limits<T>::digits);
        return s;
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
struct floating_family : binds_and_writes {
    template <class T>
    static constexpr bool claims = std::is_floating_point_v<T>;

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
struct enumeration_family : binds_and_writes {
    template <class T>
    static constexpr bool claims = described_enum<T>;

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
struct null_family : writes_only {
    template <class T>
    static constexpr bool claims = std::same_as<T, std::nullptr_t>;
    template <class T>
    static void write(json_writer& w, T) { w.raw("null"); }
    template <class T>
    static boost::json::value schema(schema_use) { return boost::json::object{{"type", "null"}}; }
};

/** boost::json::value, object and array: passed through; only these parameters get a DOM, of their own part. */
struct dom_family : binds_and_writes {
    template <class T>
    static constexpr bool claims = json_dom<T>;

    // A template, so that only a unit which binds a DOM needs the tape's to_value, which the dispatcher brings.
    template <class T>
    static bind_fault bind(json_ref v, T& out) {
        if constexpr (std::same_as<T, boost::json::object>) {
            if (!v.is(token_kind::object)) return bind_fault::bad_type;
            return out = std::move(v.to_value().get_object()), bind_fault::none;
        } else if constexpr (std::same_as<T, boost::json::array>) {
            if (!v.is(token_kind::array)) return bind_fault::bad_type;
            return out = std::move(v.to_value().get_array()), bind_fault::none;
        } else {
            return out = v.to_value(), bind_fault::none;
        }
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

} // namespace mi::detail
