// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// Writing a JSON-RPC response as an XML-RPC <methodResponse>, in OpenSIPS's layout. Part of
// <mi/transport/detail/xmlrpc_codec.hpp>.

#include <mi/error.hpp>

#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace mi::xmlrpc::detail {

/** How deeply a JSON-RPC response may nest before write_response gives up on it (-32603): writing recurses
    once per level. Handlers' results are far shallower; the bound is for the stack, not for them. */
inline constexpr std::size_t max_response_depth = 256;

inline constexpr std::string_view xml_declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n";
inline constexpr std::string_view success_head = "<methodResponse>\r\n<params><param>\r\n";
inline constexpr std::string_view success_tail = "</param></params>\r\n</methodResponse>\r\n";
inline constexpr std::string_view fault_head = "<methodResponse>\r\n<fault><value>\r\n<struct>\r\n"
                                               "<member>\r\n<name>faultCode</name>\r\n<value><int>";
inline constexpr std::string_view fault_middle = "</int></value>\r\n</member>\r\n"
                                                 "<member>\r\n<name>faultString</name>\r\n<value><string>";
inline constexpr std::string_view fault_tail = "</string></value>\r\n</member>\r\n</struct>\r\n</value>\r\n"
                                               "</fault>\r\n</methodResponse>\r\n";

// OpenSIPS's escaping: the five characters, `'` as a numeric reference. Characters XML 1.0 cannot carry at
// all, not even as references (C0 controls but tab, line feed and carriage return; U+FFFE, U+FFFF), become
// U+FFFD, so that the answer stays XML whatever a result holds.
inline void append_escaped(std::string& out, std::string_view text) {
    static constexpr std::string_view special_bytes("<>&\"'\xEF\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0B\x0C"
                                                    "\x0E\x0F\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1A"
                                                    "\x1B\x1C\x1D\x1E\x1F",
                                                    35);
    static constexpr std::string_view replacement = "\xEF\xBF\xBD";
    while (!text.empty()) {
        std::size_t const special = text.find_first_of(special_bytes);
        out.append(text.substr(0, special));
        if (special == std::string_view::npos) return;
        std::size_t skip = 1;
        switch (text[special]) {
        case '<': out.append("&lt;"); break;
        case '>': out.append("&gt;"); break;
        case '&': out.append("&amp;"); break;
        case '"': out.append("&quot;"); break;
        case '\'': out.append("&#39;"); break;
        case '\xEF':
            if (auto const rest = text.substr(special); rest.starts_with("\xEF\xBF\xBE") || rest.starts_with("\xEF\xBF\xBF"))
                out.append(replacement), skip = 3;
            else
                out.push_back('\xEF');
            break;
        default: out.append(replacement); break; // a control character
        }
        text.remove_prefix(special + skip);
    }
}

template <class Integer>
void append_integer(std::string& out, Integer number) {
    char digits[std::numeric_limits<Integer>::digits10 + 3];
    auto const end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    out.append(digits, end);
}

// OpenSIPS holds every number as a double (cJSON): an integral one within int range is an <int>, anything
// else a <double> printed "%.6f". to_chars gives the same digits without depending on the C locale.
inline void append_number(std::string& out, double number) {
    if (std::trunc(number) == number && number >= std::numeric_limits<int>::min() &&
        number <= std::numeric_limits<int>::max()) {
        out.append("<int>");
        append_integer(out, static_cast<int>(number));
        out.append("</int>");
        return;
    }
    char digits[std::numeric_limits<double>::max_exponent10 + 16]; // every digit of DBL_MAX, sign, point, 6
    auto const end = std::to_chars(digits, digits + sizeof digits, number, std::chars_format::fixed, 6).ptr;
    out.append("<double>");
    out.append(digits, end);
    out.append("</double>");
}

inline void append_value(std::string& out, boost::json::value const& v) {
    out.append("<value>");
    switch (v.kind()) {
    case boost::json::kind::object:
        out.append("<struct>");
        for (auto const& member : v.get_object()) {
            out.append("<member><name>");
            append_escaped(out, member.key());
            out.append("</name>");
            append_value(out, member.value());
            out.append("</member>");
        }
        out.append("</struct>");
        break;
    case boost::json::kind::array:
        out.append("<array><data>");
        for (auto const& item : v.get_array()) append_value(out, item);
        out.append("</data></array>");
        break;
    case boost::json::kind::string:
        out.append("<string>");
        append_escaped(out, v.get_string());
        out.append("</string>");
        break;
    case boost::json::kind::int64: append_number(out, static_cast<double>(v.get_int64())); break;
    case boost::json::kind::uint64: append_number(out, static_cast<double>(v.get_uint64())); break;
    case boost::json::kind::double_: append_number(out, v.get_double()); break;
    case boost::json::kind::bool_: out.append(v.get_bool() ? "<boolean>1</boolean>" : "<boolean>0</boolean>"); break;
    case boost::json::kind::null: out.append("<nil/>"); break;
    }
    out.append("</value>");
}

struct fixed_fault {
    std::string_view code;
    std::string_view text;
};

// Spec 6.5's table: the standard codes answer fixed texts (and -32700 a positive code, an upstream quirk).
inline std::optional<fixed_fault> fixed_fault_for(int json_rpc_code) noexcept {
    switch (static_cast<errc>(json_rpc_code)) {
    case errc::parse_error: return fixed_fault{"32700", "parse error. not well formed"};
    case errc::invalid_request: return fixed_fault{"-32600", "server error. invalid xml-rpc. not conforming to spec."};
    case errc::method_not_found: return fixed_fault{"-32601", "server error. requested method not found"};
    case errc::invalid_params: return fixed_fault{"-32602", "server error. invalid method parameters"};
    case errc::server_error: return fixed_fault{"-32000", "server error"};
    default: return std::nullopt;
    }
}

} // namespace mi::xmlrpc::detail
