// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/detail/json/tape.hpp>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>

#include <cstddef>
#include <optional>
#include <string_view>

namespace mi {

namespace detail {

// A basic_parser handler that builds nothing: finding where a JSON text ends costs no allocation.
struct json_skipper {
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    bool on_document_begin(boost::system::error_code&) { return true; }
    bool on_document_end(boost::system::error_code&) { return true; }
    bool on_object_begin(boost::system::error_code&) { return true; }
    bool on_object_end(std::size_t, boost::system::error_code&) { return true; }
    bool on_array_begin(boost::system::error_code&) { return true; }
    bool on_array_end(std::size_t, boost::system::error_code&) { return true; }
    bool on_key_part(std::string_view, std::size_t, boost::system::error_code&) { return true; }
    bool on_key(std::string_view, std::size_t, boost::system::error_code&) { return true; }
    bool on_string_part(std::string_view, std::size_t, boost::system::error_code&) { return true; }
    bool on_string(std::string_view, std::size_t, boost::system::error_code&) { return true; }
    bool on_number_part(std::string_view, boost::system::error_code&) { return true; }
    bool on_int64(std::int64_t, std::string_view, boost::system::error_code&) { return true; }
    bool on_uint64(std::uint64_t, std::string_view, boost::system::error_code&) { return true; }
    bool on_double(double d, std::string_view, boost::system::error_code& ec) { return finite_number(d, ec); }
    bool on_bool(bool, boost::system::error_code&) { return true; }
    bool on_null(boost::system::error_code&) { return true; }
    bool on_comment_part(std::string_view, boost::system::error_code&) { return true; }
    bool on_comment(std::string_view, boost::system::error_code&) { return true; }
};

} // namespace detail

/** Where the JSON text at the start of some bytes stands. */
struct json_scan {
    enum class state {
        complete,   ///< one whole JSON text: `length` bytes, whitespace around it included
        incomplete, ///< the start of a JSON text (or only whitespace): more bytes may complete it
        invalid,    ///< not JSON, whatever follows (or nested deeper than allowed)
    };
    state status = state::invalid;
    std::size_t length = 0;
};

/** Scans the JSON text at the start of `text` without building it. For transports: whether a datagram is
    JSON at all, and where one request ends when several, or half of one, arrive in one read (FIFO).
    `max_depth` bounds nesting as the dispatcher's limits do. */
inline json_scan scan_json(std::string_view text, std::size_t max_depth = 32) {
    boost::json::parse_options options;
    options.max_depth = max_depth;
    boost::json::basic_parser<detail::json_skipper> parser(options);
    boost::system::error_code ec;
    auto const consumed = parser.write_some(false, text.data(), text.size(), ec);
    if (!ec && parser.done()) return {json_scan::state::complete, consumed};
    if (ec == boost::json::error::incomplete) return {json_scan::state::incomplete, 0};
    // Told that the input ends, the parser calls some texts cut short a syntax error (`[1.`, `tr`); a parser
    // told that more may come says whether more bytes could still make them JSON.
    boost::json::basic_parser<detail::json_skipper> expecting_more(options);
    ec = {};
    expecting_more.write_some(true, text.data(), text.size(), ec);
    return {ec ? json_scan::state::invalid : json_scan::state::incomplete, 0};
}

} // namespace mi
