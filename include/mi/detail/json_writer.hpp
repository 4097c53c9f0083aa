// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/detail/type_traits.hpp>

#include <boost/describe/enum_to_string.hpp>
#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <iterator>
#include <string>
#include <string_view>
#include <tuple>

namespace mi::detail {

// Appends JSON text to a caller-owned string. Scalars and escaping go through
// Boost.JSON's serializer so that the output is byte-for-byte what Boost.JSON writes.
class json_writer {
public:
    json_writer(std::string& out, boost::json::serializer& serializer) noexcept : out_(out), serializer_(serializer) {}

    std::string& out() noexcept { return out_; }

    /** The code of the last error response written, 0 if none: what a call's audit record reports. */
    int error_code = 0;
    void raw(std::string_view text) { out_.append(text); }
    void raw(char c) { out_.push_back(c); }

    void string(std::string_view text) {
        // Most strings need no escape: copy those; leave escaping to the serializer.
        bool const plain = std::none_of(text.begin(), text.end(), [](char c) {
            return static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\';
        });
        if (plain) {
            out_.push_back('"');
            out_.append(text);
            out_.push_back('"');
            return;
        }
        serializer_.reset(text);
        drain(text.size() + 2);
    }

    template <integer T>
    void integer(T number) {
        char digits[24];
        auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
        out_.append(digits, end);
    }

    void number(double number) {
        if (!std::isfinite(number)) return raw("null"); // JSON has no NaN or infinity
        boost::json::value scalar(number);
        dom(scalar);
    }

    // boost::json::value, object, array or string
    template <class Dom>
    void dom(Dom const& v) {
        serializer_.reset(&v);
        drain(64);
    }

private:
    void drain(std::size_t hint) {
        while (!serializer_.done()) {
            auto const at = out_.size();
            out_.resize(at + std::max<std::size_t>(hint, 32));
            auto written = serializer_.read(out_.data() + at, out_.size() - at);
            out_.resize(at + written.size());
        }
    }

    std::string& out_;
    boost::json::serializer& serializer_;
};

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

template <class T>
concept sequence_like = iteration::iterable<T> && !string_like<T> && !map_like<T>;

template <class T>
concept tuple_like = requires { std::tuple_size<T>::value; } && !iteration::iterable<T>;

template <class T>
inline constexpr bool is_writable = [] {
    if constexpr (has_value_from_customization<T> || json_dom<T> || std::same_as<T, boost::json::string> ||
                  std::is_arithmetic_v<T> || string_like<T> || std::same_as<T, std::nullptr_t> ||
                  described_enum<T> || described_struct<T>)
        return true;
    else if constexpr (is_optional<T>)
        return is_writable<typename T::value_type>;
    else if constexpr (map_like<T>)
        return is_writable<std::remove_cvref_t<decltype(std::declval<iteration::element_t<T>>().second)>>;
    else if constexpr (sequence_like<T>)
        return is_writable<std::remove_cvref_t<iteration::element_t<T>>>;
    else if constexpr (tuple_like<T>)
        return []<std::size_t... I>(std::index_sequence<I...>) {
            return (is_writable<std::remove_cvref_t<std::tuple_element_t<I, T>>> && ...);
        }(std::make_index_sequence<std::tuple_size_v<T>>{});
    else
        return false;
}();

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

// write_json(w, value): the one place that turns a C++ value into JSON text.
template <class T>
void write_json(json_writer& w, T const& value) {
    if constexpr (has_value_from_customization<T>) {
        w.dom(boost::json::value_from(value));
    } else if constexpr (json_dom<T> || std::same_as<T, boost::json::string>) {
        w.dom(value);
    } else if constexpr (std::same_as<T, bool>) {
        w.raw(value ? "true" : "false");
    } else if constexpr (integer<T>) {
        w.integer(value);
    } else if constexpr (std::is_floating_point_v<T>) {
        w.number(static_cast<double>(value));
    } else if constexpr (string_like<T>) {
        w.string(std::string_view(value));
    } else if constexpr (std::same_as<T, std::nullptr_t>) {
        w.raw("null");
    } else if constexpr (is_optional<T>) {
        if (value) write_json(w, *value);
        else w.raw("null");
    } else if constexpr (described_enum<T>) {
        if (char const* name = boost::describe::enum_to_string(value, nullptr)) w.string(name);
        else w.integer(static_cast<std::underlying_type_t<T>>(value));
    } else if constexpr (described_struct<T>) {
        w.raw('{');
        bool first = true;
        boost::mp11::mp_for_each<public_members<T>>([&](auto member) {
            if (!std::exchange(first, false)) w.raw(',');
            constexpr auto const& key = member_key<decltype(member)>;
            w.raw(std::string_view(key.data(), key.size()));
            write_json(w, value.*member.pointer);
        });
        w.raw('}');
    } else if constexpr (map_like<T>) {
        w.raw('{');
        bool first = true;
        for (auto const& [key, mapped] : value) {
            if (!std::exchange(first, false)) w.raw(',');
            w.string(std::string_view(key));
            w.raw(':');
            write_json(w, mapped);
        }
        w.raw('}');
    } else if constexpr (sequence_like<T>) {
        w.raw('[');
        bool first = true;
        for (auto const& item : value) {
            if (!std::exchange(first, false)) w.raw(',');
            write_json(w, item);
        }
        w.raw(']');
    } else if constexpr (tuple_like<T>) {
        w.raw('[');
        std::apply(
            [&](auto const&... items) {
                bool first = true;
                ((std::exchange(first, false) ? void() : w.raw(','), write_json(w, items)), ...);
            },
            value);
        w.raw(']');
    } else {
        static_assert(dependent_false<T>, "mi: this result type cannot be written as JSON; return a number, "
                                          "string, bool, container, std::optional, a type described with "
                                          "BOOST_DESCRIBE_STRUCT/ENUM, a boost::json type, or give it a "
                                          "tag_invoke(boost::json::value_from_tag, ...) overload");
    }
}

} // namespace mi::detail
