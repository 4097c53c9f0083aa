// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// Reading an XML-RPC <methodCall> with libexpat into the JSON-RPC request it stands for. Part of
// <mi/transport/detail/xmlrpc_codec.hpp>.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <expat.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace mi::xmlrpc::detail {

static_assert(std::is_same_v<XML_Char, char>,
              "mi: the XML-RPC transport needs libexpat built for UTF-8 (without XML_UNICODE)");

/** How many `<value>`s may nest in a call. Each level past the first is an array or struct, and the JSON
    envelope adds two more (request object, params), so with an empty array at the deepest level the request
    stays within the dispatcher's default `max_depth` of 32. Deeper calls are invalid, not a stack overflow. */
inline constexpr std::size_t max_value_depth = 30;

enum class element : unsigned char {
    method_call,
    method_name,
    params,
    param,
    value,
    string,
    integer, // <int>, <i4>, <i8>
    boolean,
    real, // <double>
    nil,
    date_time,
    array,
    data,
    structure,
    member,
    name,
};

struct element_name {
    std::string_view lower_case;
    element kind;
};

inline constexpr std::array<element_name, 18> element_names{{
    {"methodcall", element::method_call},
    {"methodname", element::method_name},
    {"params", element::params},
    {"param", element::param},
    {"value", element::value},
    {"string", element::string},
    {"int", element::integer},
    {"i4", element::integer},
    {"i8", element::integer},
    {"boolean", element::boolean},
    {"double", element::real},
    {"nil", element::nil},
    {"datetime.iso8601", element::date_time},
    {"array", element::array},
    {"data", element::data},
    {"struct", element::structure},
    {"member", element::member},
    {"name", element::name},
}};

// OpenSIPS compares element names with xmlStrcasecmp, so clients get away with <methodname> or <VALUE>.
inline std::optional<element> find_element(std::string_view name) noexcept {
    auto const lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    for (auto const& entry : element_names) {
        if (entry.lower_case.size() != name.size()) continue;
        bool same = true;
        for (std::size_t i = 0; same && i < name.size(); ++i) same = lower(name[i]) == entry.lower_case[i];
        if (same) return entry.kind;
    }
    return std::nullopt;
}

constexpr bool is_typed_value(element e) noexcept {
    switch (e) {
    case element::string:
    case element::integer:
    case element::boolean:
    case element::real:
    case element::nil:
    case element::date_time:
    case element::array:
    case element::structure: return true;
    default: return false;
    }
}

constexpr bool may_contain(element parent, element child) noexcept {
    switch (parent) {
    case element::method_call: return child == element::method_name || child == element::params;
    case element::params: return child == element::param;
    case element::param: return child == element::value;
    case element::value: return is_typed_value(child);
    case element::array: return child == element::data;
    case element::data: return child == element::value;
    case element::structure: return child == element::member;
    case element::member: return child == element::name || child == element::value;
    default: return false;
    }
}

// Lists: every other parent takes each kind of child at most once (and a <value> only one child at all).
constexpr bool repeats_children(element parent) noexcept {
    return parent == element::params || parent == element::data || parent == element::structure;
}

// Elements whose character data is content; anywhere else only whitespace may stand between elements.
constexpr bool holds_text(element e) noexcept {
    return e == element::method_name || e == element::name || e == element::value ||
           (is_typed_value(e) && e != element::array && e != element::structure);
}

constexpr bool is_xml_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

constexpr std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && is_xml_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_xml_space(text.back())) text.remove_suffix(1);
    return text;
}

constexpr bool is_blank(std::string_view text) noexcept {
    return trim(text).empty();
}

constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

// Spec 3.3's strict rule, widened to 64 bits: an optional sign, then decimal digits only, and it must fit.
inline std::optional<std::int64_t> parse_integer(std::string_view text) noexcept {
    text = trim(text);
    bool const has_sign = !text.empty() && (text.front() == '+' || text.front() == '-');
    std::string_view const digits = text.substr(has_sign ? 1 : 0);
    if (digits.empty()) return std::nullopt;
    for (char c : digits)
        if (!is_digit(c)) return std::nullopt;
    if (text.front() == '+') text.remove_prefix(1); // from_chars takes '-' but not '+'
    std::int64_t number = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return number;
}

// A decimal number: optional sign, digits with an optional fraction, and an optional exponent, because
// Python's xmlrpc.client writes repr(float) ("1e+100"). No inf, nan, hex or out-of-range values.
inline std::optional<double> parse_real(std::string_view text) noexcept {
    text = trim(text);
    std::size_t at = !text.empty() && (text.front() == '+' || text.front() == '-') ? 1 : 0;
    auto const skip_digits = [&] {
        std::size_t const from = at;
        while (at < text.size() && is_digit(text[at])) ++at;
        return at - from;
    };
    std::size_t mantissa_digits = skip_digits();
    if (at < text.size() && text[at] == '.') {
        ++at;
        mantissa_digits += skip_digits();
    }
    if (mantissa_digits == 0) return std::nullopt;
    if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
        ++at;
        if (at < text.size() && (text[at] == '+' || text[at] == '-')) ++at;
        if (skip_digits() == 0) return std::nullopt;
    }
    if (at != text.size()) return std::nullopt;
    if (text.front() == '+') text.remove_prefix(1);
    double number = 0;
    auto const [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return number;
}

inline std::optional<bool> parse_boolean(std::string_view text) noexcept {
    text = trim(text);
    if (text == "0") return false;
    if (text == "1") return true;
    return std::nullopt;
}

// OpenSIPS runs its own unescape_xml over a <string> after libxml2 has decoded it, which decodes `&#NN;` (two
// decimal digits) a second time: a client that sends `&amp;#65;` means "A" to OpenSIPS. One pass; what it
// produces is not looked at again.
inline std::string decode_two_digit_references(std::string_view text) {
    std::string decoded;
    decoded.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        if (text.substr(at, 2) == "&#" && at + 5 <= text.size() && is_digit(text[at + 2]) && is_digit(text[at + 3]) &&
            text[at + 4] == ';') {
            decoded.push_back(static_cast<char>((text[at + 2] - '0') * 10 + (text[at + 3] - '0')));
            at += 5;
        } else {
            decoded.push_back(text[at++]);
        }
    }
    return decoded;
}

// One open element while reading a call.
struct open_element {
    element kind;
    std::uint32_t seen = 0;     // one bit per kind of child met so far
    std::string text;           // character data, if holds_text(kind)
    boost::json::value content; // what the children built: a <value>'s value, the items of an <array> or
                                // <data>, the members of a <struct>, the value of a <member> or <param>
    std::string member_name;    // <member> only

    explicit open_element(element kind) : kind(kind) {}
};

constexpr std::uint32_t bit(element e) noexcept {
    return std::uint32_t{1} << static_cast<unsigned>(e);
}

/* Builds the JSON-RPC request from expat's callbacks, one element at a time. The first thing found wrong
   makes the call invalid and every later callback a no-op; parsing still runs to the end, because a
   document that is not well-formed answers -32700 (as OpenSIPS, which parses before it looks) wherever the
   other mistake was. */
class call_reader {
public:
    explicit call_reader(XML_Parser parser) : parser_(parser) {
        XML_SetUserData(parser, this);
        XML_SetElementHandler(parser, &call_reader::on_start, &call_reader::on_end);
        XML_SetCharacterDataHandler(parser, &call_reader::on_text);
        XML_SetStartDoctypeDeclHandler(parser, &call_reader::on_doctype);
        // The default, stated: no parameter entities, so no external DTD subset is ever read.
        XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER);
    }
    call_reader(call_reader const&) = delete;
    call_reader& operator=(call_reader const&) = delete;

    // An exception cannot unwind through expat's C frames: callbacks catch it, stop the parser, and it is
    // thrown again from here once XML_Parse has returned.
    void rethrow_if_failed() const {
        if (failure_) std::rethrow_exception(failure_);
    }

    // The request, once the whole document has been parsed well-formed; nullopt if the call is invalid.
    std::optional<boost::json::object> request() && {
        if (invalid_) return std::nullopt;
        boost::json::value params;
        if (!params_.empty() && params_.front().is_object()) {
            // Named params: OpenSIPS reads only the first <param> then, and refuses an empty struct. A second
            // <param> would be dropped without a word there; here it makes the call invalid.
            if (params_.size() != 1 || params_.front().get_object().empty()) return std::nullopt;
            params = std::move(params_.front());
        } else {
            params = std::move(params_);
        }
        boost::json::object request;
        request.reserve(4);
        request.emplace("jsonrpc", "2.0");
        request.emplace("id", 1);
        request.emplace("method", method_);
        request.emplace("params", std::move(params));
        return request;
    }

private:
    static call_reader& self(void* user_data) noexcept { return *static_cast<call_reader*>(user_data); }

    template <class Step>
    void guarded(Step step) noexcept {
        if (invalid_ || failure_) return;
        try {
            step();
        } catch (...) {
            failure_ = std::current_exception();
            XML_StopParser(parser_, XML_FALSE);
        }
    }

    static void XMLCALL on_start(void* user_data, XML_Char const* name, XML_Char const**) {
        call_reader& r = self(user_data);
        r.guarded([&] { r.start(name); });
    }
    static void XMLCALL on_end(void* user_data, XML_Char const*) {
        call_reader& r = self(user_data);
        r.guarded([&] { r.end(); });
    }
    static void XMLCALL on_text(void* user_data, XML_Char const* text, int length) {
        call_reader& r = self(user_data);
        r.guarded([&] { r.text(std::string_view(text, static_cast<std::size_t>(length))); });
    }
    // Any DOCTYPE ends the document here, before an internal subset could declare an entity (billion laughs)
    // or an external one could point at a file; XML_Parse then fails and the call is not well-formed.
    static void XMLCALL on_doctype(void* user_data, XML_Char const*, XML_Char const*, XML_Char const*, int) {
        XML_StopParser(self(user_data).parser_, XML_FALSE);
    }

    void start(std::string_view name) {
        auto const kind = find_element(name);
        if (!kind) return reject(); // <base64> and anything we do not know
        if (stack_.empty()) {
            if (*kind != element::method_call) return reject();
        } else {
            open_element& parent = stack_.back();
            if (!may_contain(parent.kind, *kind)) return reject();
            if (!repeats_children(parent.kind)) {
                bool const taken = parent.kind == element::value ? parent.seen != 0 : (parent.seen & bit(*kind)) != 0;
                if (taken) return reject();
            }
            parent.seen |= bit(*kind);
        }
        if (*kind == element::value && ++value_depth_ > max_value_depth) return reject();
        open_element& opened = stack_.emplace_back(*kind);
        if (*kind == element::array || *kind == element::data) opened.content = boost::json::array();
        else if (*kind == element::structure) opened.content = boost::json::object();
    }

    void text(std::string_view text) {
        open_element& top = stack_.back();
        if (holds_text(top.kind)) top.text.append(text);
        else if (!is_blank(text)) reject();
    }

    void end() {
        open_element closed = std::move(stack_.back());
        stack_.pop_back();
        switch (closed.kind) {
        case element::method_call:
            if (method_.empty()) reject();
            return;
        case element::method_name:
            // XML-RPC method names cannot hold whitespace, so any around the name is layout.
            method_ = trim(closed.text);
            return;
        case element::params: return;
        case element::param:
            if (!(closed.seen & bit(element::value))) return reject();
            params_.push_back(std::move(closed.content));
            return;
        case element::value:
            --value_depth_;
            if (closed.seen == 0) return deliver(boost::json::string(closed.text)); // untyped: a string
            if (!is_blank(closed.text)) return reject();
            return deliver(std::move(closed.content));
        case element::string: return deliver(boost::json::string(decode_two_digit_references(closed.text)));
        case element::integer:
            if (auto const number = parse_integer(closed.text)) return deliver(*number);
            return reject();
        case element::boolean:
            if (auto const truth = parse_boolean(closed.text)) return deliver(*truth);
            return reject();
        case element::real:
            if (auto const number = parse_real(closed.text)) return deliver(*number);
            return reject();
        case element::nil:
            if (!is_blank(closed.text)) return reject();
            return deliver(nullptr);
        case element::date_time: return deliver(boost::json::string(closed.text));
        case element::array:
            if (!(closed.seen & bit(element::data))) return reject();
            return deliver(std::move(closed.content));
        case element::data:
        case element::structure: return deliver(std::move(closed.content));
        case element::member: {
            std::uint32_t const both = bit(element::name) | bit(element::value);
            if ((closed.seen & both) != both) return reject();
            // emplace keeps the first of two equal names: OpenSIPS's lookup finds the first one too.
            stack_.back().content.get_object().emplace(closed.member_name, std::move(closed.content));
            return;
        }
        case element::name:
            if (closed.text.empty()) return reject();
            stack_.back().member_name = std::move(closed.text);
            return;
        }
    }

    // Hands a finished value to the element around it.
    void deliver(boost::json::value v) {
        open_element& parent = stack_.back();
        if (parent.kind == element::data) parent.content.get_array().push_back(std::move(v));
        else parent.content = std::move(v);
    }

    void reject() noexcept { invalid_ = true; }

    XML_Parser parser_;
    std::vector<open_element> stack_;
    std::size_t value_depth_ = 0;
    std::string method_;
    boost::json::array params_;
    bool invalid_ = false;
    std::exception_ptr failure_;
};

struct parser_free {
    void operator()(XML_Parser parser) const noexcept { XML_ParserFree(parser); }
};
using parser_handle = std::unique_ptr<std::remove_pointer_t<XML_Parser>, parser_free>;

} // namespace mi::xmlrpc::detail
