// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/detail/traits.hpp>

#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>

namespace mi::detail {

// Appends JSON text to a caller-owned string. Scalars and escaping go through
// Boost.JSON's serializer so that the output is byte-for-byte what Boost.JSON writes.
class json_writer {
public:
    json_writer(std::string& out, boost::json::serializer& serializer) noexcept : out_(out), serializer_(serializer) {}

    std::string& out() noexcept { return out_; }

    void raw(std::string_view text) { out_.append(text); }
    void raw(char c) { out_.push_back(c); }

    /** An array or object: `open`, then what `items(separate)` writes, where each item begins by calling
        `separate()` (a comma before all but the first), then `close`. */
    template <class Items>
    void list(char open, char close, Items&& items) {
        raw(open);
        bool first = true;
        items([&] {
            if (!std::exchange(first, false)) raw(',');
        });
        raw(close);
    }

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

} // namespace mi::detail
