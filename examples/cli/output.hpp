// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// How opensips-cli prints a result, for mi-cli (spec 7.5 `output_type`): Python's json.dumps(indent=4)
// ("pretty-print"), str() ("dictionary"), its own key-per-line walk ("lines") and PyYAML's
// dump(default_flow_style=False) ("yaml"). The texts are Python's, character for character, so that scripts
// written against opensips-cli's output keep working.
#pragma once

#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mi_cli {

enum class output_type { pretty_print, dictionary, lines, yaml, none };

/** opensips-cli's spelling of an output type; nullopt for one it does not know. */
inline std::optional<output_type> output_type_named(std::string_view name) {
    if (name == "pretty-print") return output_type::pretty_print;
    if (name == "dictionary") return output_type::dictionary;
    if (name == "lines") return output_type::lines;
    if (name == "yaml") return output_type::yaml;
    if (name == "none") return output_type::none;
    return std::nullopt;
}

namespace detail {

// Python's repr(float): the shortest text that reads back the same, positional for exponents in [-4, 16).
inline std::string python_float(double d) {
    if (std::isnan(d)) return "nan";
    if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
    char buf[40];
    auto const end = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific).ptr;
    std::string_view text(buf, static_cast<std::size_t>(end - buf));
    std::string out;
    if (text.front() == '-') out.push_back('-'), text.remove_prefix(1);
    auto const e = text.find('e');
    int exponent = 0;
    std::from_chars(text.data() + e + (text[e + 1] == '+' ? 2 : 1), text.data() + text.size(), exponent);
    std::string digits;
    for (char c : text.substr(0, e))
        if (c != '.') digits.push_back(c);
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) return out + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
        auto const whole = static_cast<std::size_t>(exponent) + 1;
        if (digits.size() <= whole) return out + digits + std::string(whole - digits.size(), '0') + ".0";
        return out + digits.substr(0, whole) + '.' + digits.substr(whole);
    }
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += '.' + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + exp;
}

// The code points of UTF-8 text; a malformed byte stands for itself so that nothing is lost.
inline std::vector<char32_t> code_points(std::string_view s) {
    std::vector<char32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        auto const c = static_cast<unsigned char>(s[i]);
        int const extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        char32_t code = extra ? c & (0x3F >> extra) : c;
        std::size_t k = 1;
        for (; k <= static_cast<std::size_t>(extra) && i + k < s.size(); ++k)
            code = (code << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back(code);
        i += k;
    }
    return out;
}

inline void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

inline void append_hex(std::string& out, char const* format, unsigned code) {
    char buf[16];
    std::snprintf(buf, sizeof buf, format, code);
    out += buf;
}

inline std::string python_int(boost::json::value const& v) {
    return v.is_int64() ? std::to_string(v.get_int64()) : std::to_string(v.get_uint64());
}

// json.dumps with ensure_ascii: non-ASCII as \uXXXX, surrogate pairs above the BMP.
inline void json_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (char32_t c : code_points(s)) {
        if (c == '"') out += "\\\"";
        else if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (c == '\b') out += "\\b";
        else if (c == '\f') out += "\\f";
        else if (c < 0x20 || (c >= 0x80 && c < 0x10000)) append_hex(out, "\\u%04x", c);
        else if (c >= 0x10000) {
            append_hex(out, "\\u%04x", 0xD800 + ((c - 0x10000) >> 10));
            append_hex(out, "\\u%04x", 0xDC00 + ((c - 0x10000) & 0x3FF));
        } else out.push_back(static_cast<char>(c));
    }
    out.push_back('"');
}

inline void pretty(std::string& out, boost::json::value const& v, int depth) {
    auto indent = [&](int d) { out.append(static_cast<std::size_t>(4 * d), ' '); };
    auto items = [&](char open, char close, std::size_t count, auto&& each) {
        if (count == 0) return void((out += open) += close);
        out += open;
        out += '\n';
        for (std::size_t i = 0; i < count; ++i) {
            if (i) out += ",\n";
            indent(depth + 1);
            each(i);
        }
        out += '\n';
        indent(depth);
        out += close;
    };
    switch (v.kind()) {
    case boost::json::kind::object: {
        auto const& o = v.get_object();
        auto it = o.begin();
        items('{', '}', o.size(), [&](std::size_t) {
            json_string(out, it->key());
            out += ": ";
            pretty(out, (it++)->value(), depth + 1);
        });
        break;
    }
    case boost::json::kind::array: {
        auto const& a = v.get_array();
        items('[', ']', a.size(), [&](std::size_t i) { pretty(out, a[i], depth + 1); });
        break;
    }
    case boost::json::kind::string: json_string(out, v.get_string()); break;
    case boost::json::kind::double_: out += python_float(v.get_double()); break;
    case boost::json::kind::int64:
    case boost::json::kind::uint64: out += python_int(v); break;
    case boost::json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case boost::json::kind::null: out += "null"; break;
    }
}

// Python's str.isprintable for what MI results hold: C0 and C1 controls, DEL, and a few invisible marks are
// not printable; the rest of Unicode is treated as printable.
inline bool python_printable(char32_t c) {
    return !(c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD || (c >= 0x2028 && c <= 0x2029) || c == 0xFEFF ||
             (c >= 0xD800 && c <= 0xDFFF));
}

// repr(str): single quotes unless the text has a single quote and no double quote.
inline void python_repr(std::string& out, std::string_view s) {
    bool const double_quoted = s.find('\'') != std::string_view::npos && s.find('"') == std::string_view::npos;
    char const quote = double_quoted ? '"' : '\'';
    out.push_back(quote);
    for (char32_t c : code_points(s)) {
        if (c == static_cast<char32_t>(quote) || c == '\\') (out += '\\') += static_cast<char>(c);
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (c == '\t') out += "\\t";
        else if (python_printable(c)) append_utf8(out, c);
        else if (c <= 0xFF) append_hex(out, "\\x%02x", c);
        else if (c <= 0xFFFF) append_hex(out, "\\u%04x", c);
        else append_hex(out, "\\U%08x", c);
    }
    out.push_back(quote);
}

// str() of a value inside a container (repr of its items) or alone (a string as is).
inline void python_str(std::string& out, boost::json::value const& v, bool nested) {
    switch (v.kind()) {
    case boost::json::kind::object: {
        out += '{';
        bool first = true;
        for (auto const& [k, item] : v.get_object()) {
            if (!std::exchange(first, false)) out += ", ";
            python_repr(out, k);
            out += ": ";
            python_str(out, item, true);
        }
        out += '}';
        break;
    }
    case boost::json::kind::array: {
        out += '[';
        bool first = true;
        for (auto const& item : v.get_array()) {
            if (!std::exchange(first, false)) out += ", ";
            python_str(out, item, true);
        }
        out += ']';
        break;
    }
    case boost::json::kind::string:
        if (nested) python_repr(out, v.get_string());
        else out += v.get_string();
        break;
    case boost::json::kind::double_: out += python_float(v.get_double()); break;
    case boost::json::kind::int64:
    case boost::json::kind::uint64: out += python_int(v); break;
    case boost::json::kind::bool_: out += v.get_bool() ? "True" : "False"; break;
    case boost::json::kind::null: out += "None"; break;
    }
}

// opensips-cli's print_lines: a key per line, containers below their key indented by 4, list items at the
// list's own indentation.
inline void lines(std::string& out, boost::json::value const& v, std::size_t indent) {
    if (auto const* o = v.if_object()) {
        for (auto const& [k, item] : *o) {
            out.append(indent, ' ').append(k.data(), k.size());
            if (item.is_structured()) {
                out += ":\n";
                lines(out, item, indent + 4);
            } else {
                out += ": ";
                python_str(out, item, false);
                out += '\n';
            }
        }
    } else if (auto const* a = v.if_array()) {
        for (auto const& item : *a) lines(out, item, indent);
    } else {
        out.append(indent, ' ');
        python_str(out, v, false);
        out += '\n';
    }
}

// PyYAML's safe dump with default_flow_style=False, sort_keys and width 80, as opensips-cli calls it.
class yaml_writer {
public:
    explicit yaml_writer(std::string& out) : out_(out) {}

    void document(boost::json::value const& v) {
        if (v.is_structured() && !empty(v)) return node(v, 0);
        if (scalar(v, 2, false)) out_ += "\n..."; // PyYAML ends a document that is one plain scalar with "..."
    }

private:
    static bool empty(boost::json::value const& v) {
        return v.is_object() ? v.get_object().empty() : v.get_array().empty();
    }

    std::size_t column() const {
        auto const nl = out_.rfind('\n');
        return nl == std::string::npos ? out_.size() : out_.size() - nl - 1;
    }

    void newline(std::size_t indent) { out_.append(1, '\n').append(indent, ' '); }

    // A non-empty container starting at the current position, whose lines are indented by `indent`.
    void node(boost::json::value const& v, std::size_t indent) {
        if (auto const* o = v.if_object()) {
            std::vector<std::pair<std::string_view, boost::json::value const*>> members;
            for (auto const& [k, item] : *o) members.emplace_back(k, &item);
            std::stable_sort(members.begin(), members.end(),
                             [](auto const& a, auto const& b) { return a.first < b.first; });
            bool first = true;
            for (auto const& [k, item] : members) {
                if (!std::exchange(first, false)) newline(indent);
                string(k, indent + 2, true);
                out_ += ':';
                value_after_key(*item, indent);
            }
            return;
        }
        bool first = true;
        for (auto const& item : v.get_array()) {
            if (!std::exchange(first, false)) newline(indent);
            out_ += "- ";
            if (item.is_structured() && !empty(item)) node(item, indent + 2);
            else scalar(item, indent + 2, false);
        }
    }

    // PyYAML puts a mapping under its key indented by 2 and a sequence under its key not indented.
    void value_after_key(boost::json::value const& v, std::size_t indent) {
        if (!v.is_structured() || empty(v)) {
            out_ += ' ';
            scalar(v, indent + 2, false);
        } else if (v.is_object()) {
            newline(indent + 2);
            node(v, indent + 2);
        } else {
            newline(indent);
            node(v, indent);
        }
    }

    // Returns whether it was written plain.
    bool scalar(boost::json::value const& v, std::size_t indent, bool key) {
        switch (v.kind()) {
        case boost::json::kind::object: out_ += "{}"; return false;
        case boost::json::kind::array: out_ += "[]"; return false;
        case boost::json::kind::string: return string(v.get_string(), indent, key);
        case boost::json::kind::double_: out_ += yaml_float(v.get_double()); return true;
        case boost::json::kind::int64:
        case boost::json::kind::uint64: out_ += python_int(v); return true;
        case boost::json::kind::bool_: out_ += v.get_bool() ? "true" : "false"; return true;
        case boost::json::kind::null: out_ += "null"; return true;
        }
        return true;
    }

    static std::string yaml_float(double d) {
        if (std::isnan(d)) return ".nan";
        if (std::isinf(d)) return d < 0 ? "-.inf" : ".inf";
        auto text = python_float(d);
        if (text.find('.') == std::string::npos)
            if (auto e = text.find('e'); e != std::string::npos) text.insert(e, ".0");
        return text;
    }

    // Plain text a YAML reader would take for something other than a string (PyYAML's implicit resolvers).
    static bool resolves_to_other_type(std::string_view s) {
        static std::regex const other(
            "|~|null|Null|NULL"
            "|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
            "|[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
            "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
            "|[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
            "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)"
            "|<<|=|!|&|\\*"
            "|[0-9]{4}-[0-9]{2}-[0-9]{2}"
            "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]*)?"
            "(?:[ \\t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?");
        return std::regex_match(s.begin(), s.end(), other);
    }

    enum class style { plain, single_quoted, double_quoted };

    // PyYAML's analyze_scalar and choose_scalar_style for a block context without allow_unicode.
    static style style_of(std::vector<char32_t> const& text, std::string_view s, bool key) {
        if (resolves_to_other_type(s)) return style::single_quoted;
        auto const blank = [](char32_t c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0 ||
                                                   c == 0x85 || c == 0x2028 || c == 0x2029; };
        auto const is_break = [](char32_t c) { return c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029; };
        bool indicators = s.starts_with("---") || s.starts_with("...");
        bool breaks = false, special = false, space_break = false, break_space = false;
        bool previous_space = false, previous_break = false;
        std::size_t const n = text.size();
        for (std::size_t i = 0; i < n; ++i) {
            char32_t const c = text[i];
            bool const followed_by_blank = i + 1 >= n || blank(text[i + 1]);
            bool const preceded_by_blank = i == 0 || blank(text[i - 1]);
            if (i == 0) {
                indicators = indicators || std::u32string_view(U"#,[]{}&*!|>'\"%@`").find(c) != std::u32string_view::npos;
                indicators = indicators || ((c == '?' || c == ':' || c == '-') && followed_by_blank);
            } else {
                indicators = indicators || (c == ':' && followed_by_blank) || (c == '#' && preceded_by_blank);
            }
            breaks = breaks || is_break(c);
            special = special || !(c == '\n' || (c >= 0x20 && c <= 0x7E));
            if (c == ' ') {
                break_space = break_space || previous_break;
                previous_space = true, previous_break = false;
            } else if (is_break(c)) {
                space_break = space_break || previous_space;
                previous_space = false, previous_break = true;
            } else {
                previous_space = previous_break = false;
            }
        }
        bool const edge_blank = text.front() == ' ' || text.back() == ' ' || is_break(text.front()) || is_break(text.back());
        if (space_break || special || (key && breaks)) return style::double_quoted;
        if (break_space) return style::double_quoted;
        if (edge_blank || breaks || indicators) return style::single_quoted;
        return style::plain;
    }

    // Plain and single-quoted text fold at a lone space once past column 80, continuing at `indent`.
    void folded(std::vector<char32_t> const& text, std::size_t indent, bool quoted, bool fold) {
        for (std::size_t i = 0; i < text.size(); ++i) {
            char32_t const c = text[i];
            bool const lone_space = c == ' ' && (i + 1 < text.size() && text[i + 1] != ' ') && (i == 0 || text[i - 1] != ' ');
            if (fold && lone_space && column() > 80 && i != 0 && i + 1 != text.size()) {
                newline(indent);
            } else if (quoted && c == '\n') {
                // a line break inside single quotes is written as an empty line, then the text goes on indented
                out_ += '\n';
                std::size_t j = i;
                while (j < text.size() && text[j] == '\n') out_ += '\n', ++j;
                out_.append(indent, ' ');
                i = j - 1;
            } else if (quoted && c == '\'') {
                out_ += "''";
            } else {
                append_utf8(out_, c);
            }
        }
    }

    bool string(std::string_view s, std::size_t indent, bool key) {
        if (s.empty()) return void(out_ += "''"), false;
        auto const text = code_points(s);
        switch (style_of(text, s, key)) {
        case style::plain: folded(text, indent, false, !key); return true;
        case style::single_quoted:
            out_ += '\'';
            folded(text, indent, true, !key);
            out_ += '\'';
            return false;
        case style::double_quoted: double_quoted(text, indent, !key); return false;
        }
        return false;
    }

    // Double-quoted text folds too: a backslash ends the line, and a space that starts the next is escaped.
    void double_quoted(std::vector<char32_t> const& text, std::size_t indent, bool fold) {
        static constexpr std::pair<char32_t, char> escapes[] = {
            {0, '0'},     {7, 'a'},     {8, 'b'},      {9, 't'},      {10, 'n'},     {11, 'v'}, {12, 'f'},
            {13, 'r'},    {27, 'e'},    {'"', '"'},    {'\\', '\\'},  {0x85, 'N'},   {0xA0, '_'},
            {0x2028, 'L'}, {0x2029, 'P'}};
        auto const write = [&](std::size_t from, std::size_t to) {
            for (std::size_t i = from; i < to; ++i) out_ += static_cast<char>(text[i]);
        };
        out_ += '"';
        std::size_t const n = text.size();
        std::size_t start = 0;
        for (std::size_t end = 0; end <= n; ++end) {
            bool const at_end = end == n;
            char32_t const c = at_end ? 0 : text[end];
            if (at_end || !(c >= 0x20 && c <= 0x7E) || c == '"' || c == '\\') {
                write(start, end);
                start = end;
                if (!at_end) {
                    auto const e = std::find_if(std::begin(escapes), std::end(escapes),
                                                [&](auto const& p) { return p.first == c; });
                    if (e != std::end(escapes)) (out_ += '\\') += e->second;
                    else if (c <= 0xFF) append_hex(out_, "\\x%02X", c);
                    else if (c <= 0xFFFF) append_hex(out_, "\\u%04X", c);
                    else append_hex(out_, "\\U%08X", c);
                    start = end + 1;
                }
            }
            if (fold && end > 0 && end + 1 < n && (c == ' ' || start >= end) && column() + (end - start) > 80) {
                write(start, end);
                out_ += '\\';
                start = std::max(start, end);
                newline(indent);
                if (text[start] == ' ') out_ += '\\';
            }
        }
        out_ += '"';
    }

    std::string& out_;
};

} // namespace detail

/** What opensips-cli writes to standard output for `result` with `output_type`, final newline included. */
inline std::string render(boost::json::value const& result, output_type type) {
    std::string out;
    switch (type) {
    case output_type::pretty_print: detail::pretty(out, result, 0); break;
    case output_type::dictionary: detail::python_str(out, result, false); break;
    case output_type::lines: detail::lines(out, result, 0); return out; // each line already ends in '\n'
    case output_type::yaml: detail::yaml_writer(out).document(result); break;
    case output_type::none: return out;
    }
    return out += '\n';
}

} // namespace mi_cli
