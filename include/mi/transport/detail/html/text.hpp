// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The HTML page's text: escaping, form decoding, JSON and JSON Schema for people, its style sheet. Part of
// <mi/transport/html.hpp>.

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mi::html {

namespace detail {

inline void escape(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
}

inline std::string escaped(std::string_view text) {
    std::string out;
    escape(out, text);
    return out;
}

// application/x-www-form-urlencoded (query strings and POST forms): '+' is a space, %XX a byte. A malformed
// escape stands for itself, as browsers leave it.
inline std::string form_decode(std::string_view text) {
    auto const hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// The fields of a query string or form body, decoded, in order.
inline std::vector<std::pair<std::string, std::string>> form_fields(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> fields;
    while (!text.empty()) {
        auto const amp = text.find('&');
        auto const field = text.substr(0, amp);
        if (!field.empty()) {
            auto const eq = field.find('=');
            fields.emplace_back(form_decode(field.substr(0, eq)),
                                eq == std::string_view::npos ? std::string() : form_decode(field.substr(eq + 1)));
        }
        if (amp == std::string_view::npos) break;
        text.remove_prefix(amp + 1);
    }
    return fields;
}

inline std::optional<std::string> field(std::vector<std::pair<std::string, std::string>> const& fields,
                                        std::string_view name) {
    for (auto const& [k, v] : fields)
        if (k == name) return v;
    return std::nullopt;
}

// Indented JSON for people: two spaces a level, members on their own lines.
inline void indented(std::string& out, boost::json::value const& v, int depth = 0) {
    auto const newline = [&](int d) {
        out += '\n';
        out.append(static_cast<std::size_t>(2 * d), ' ');
    };
    if (auto const* o = v.if_object(); o && !o->empty()) {
        out += '{';
        bool first = true;
        for (auto const& [k, item] : *o) {
            if (!std::exchange(first, false)) out += ',';
            newline(depth + 1);
            out += boost::json::serialize(boost::json::string_view(k));
            out += ": ";
            indented(out, item, depth + 1);
        }
        newline(depth);
        out += '}';
    } else if (auto const* a = v.if_array(); a && !a->empty()) {
        out += '[';
        bool first = true;
        for (auto const& item : *a) {
            if (!std::exchange(first, false)) out += ',';
            newline(depth + 1);
            indented(out, item, depth + 1);
        }
        newline(depth);
        out += ']';
    } else {
        out += boost::json::serialize(v);
    }
}

// A JSON Schema in a few words: "integer", "array of string", "one of: a, b".
inline std::string type_words(boost::json::value const& schema) {
    auto const* o = schema.if_object();
    if (!o) return "any";
    if (auto const* e = o->if_contains("enum"); e && e->is_array()) {
        std::string out = "one of:";
        for (auto const& item : e->get_array()) out += ' ' + boost::json::serialize(item);
        return out;
    }
    if (auto const* t = o->if_contains("type")) {
        if (t->is_string()) {
            std::string out(t->get_string());
            if (out == "array")
                if (auto const* items = o->if_contains("items")) out += " of " + type_words(*items);
            return out;
        }
        if (auto const* list = t->if_array()) {
            std::string out;
            for (auto const& item : *list)
                if (item.is_string()) out += (out.empty() ? "" : " or ") + std::string(item.get_string());
            return out;
        }
    }
    if (o->contains("oneOf") || o->contains("anyOf")) return "one of several types";
    return "any";
}

inline constexpr std::string_view style = R"(
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
header{background:#1d2733;color:#fff;padding:.8em 1.5em}header a{color:#fff;text-decoration:none}
header h1{margin:0;font-size:1.3em}header p{margin:.2em 0 0;color:#b8c2cc;font-size:.9em}
nav{padding:.6em 1.5em;background:#e3e7ec}nav a{margin-right:1em}
main{padding:1em 1.5em;max-width:70em}
table{border-collapse:collapse;background:#fff}td,th{padding:.35em .8em;border-bottom:1px solid #e3e7ec;text-align:left;vertical-align:top}
.help{white-space:pre-wrap}form{background:#fff;border:1px solid #d5dbe1;border-radius:6px;padding:.8em 1em;margin:.8em 0}
fieldset{border:0;margin:0;padding:0}legend{font-weight:600;padding:0}
label{display:block;margin:.5em 0 .15em}label small{color:#5b6773}
input[type=text]{width:100%;max-width:40em;box-sizing:border-box;font:14px ui-monospace,monospace;padding:.3em}
button{margin-top:.6em;padding:.35em 1.2em}
pre{background:#fff;border:1px solid #d5dbe1;border-radius:6px;padding:.8em 1em;overflow:auto;font:14px ui-monospace,monospace}
.ok h2{color:#1a7f37}.error h2{color:#b42318}.error pre{border-color:#b42318}
)";

inline std::string time_text(std::chrono::system_clock::time_point t) {
    std::time_t const seconds = std::chrono::system_clock::to_time_t(t);
    std::tm parts{};
    ::localtime_r(&seconds, &parts);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y", &parts);
    return buf;
}

} // namespace detail

} // namespace mi::html
