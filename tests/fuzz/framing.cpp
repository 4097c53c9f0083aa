// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// libFuzzer target: mi::scan_json (framing.hpp) on the input bytes, at the dispatcher's default depth and at a
// small one, checked against its contract and against the two other readers of the same bytes:
// - length <= size, and 0 unless complete;
// - complete: the first `length` bytes are one JSON text that boost::json::parse takes and scan_json finds
//   complete again, with the same length; what follows them is not whitespace (that goes with the text) and
//   cannot change the answer;
// - complete exactly when the dispatcher's tape (detail/json/tape.hpp) reads the bytes, and then the tape holds what
//   boost::json::parse builds (duplicate keys aside: the tape keeps them all, json_ref::find and to_value() take
//   the first, the DOM keeps the last);
// - invalid: no bytes appended make it anything else; a prefix of a text that is complete or incomplete is
//   never invalid (a request split over two reads must wait for its end, not be refused).
// A check's failure aborts with its text on stderr.
#include <mi/transport/framing.hpp>

#include <mi/detail/json/tape.hpp>
#include <mi/detail/json/tape.ipp> // the tape itself is under test: its code, which a dispatcher would bring

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

namespace {

using mi::json_scan;
using mi::detail::json_ref;
using mi::detail::token_kind;

char const* name_of(json_scan::state s) {
    switch (s) {
    case json_scan::state::complete: return "complete";
    case json_scan::state::incomplete: return "incomplete";
    case json_scan::state::invalid: return "invalid";
    }
    return "?";
}

[[noreturn]] void violated(char const* what, std::string_view text, std::size_t depth, json_scan scan) {
    auto const shown = text.substr(0, 2000);
    std::fprintf(stderr, "\n*** invariant violated: %s\n*** max_depth %zu, scan_json: %s, length %zu\n*** text (%zu bytes): %.*s\n",
                 what, depth, name_of(scan.status), scan.length, text.size(), static_cast<int>(shown.size()), shown.data());
    std::abort();
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Whether the tape value `t` is the DOM value `v`. In objects, a key given twice is compared with its first
// occurrence when `first_wins`, else with its last.
bool same(json_ref t, boost::json::value const& v, bool first_wins) {
    switch (t.kind()) {
    case token_kind::null: return v.is_null();
    case token_kind::boolean: return v.is_bool() && v.get_bool() == t.boolean();
    case token_kind::int64: return v.is_int64() && v.get_int64() == t.int64();
    case token_kind::uint64: return v.is_uint64() && v.get_uint64() == t.uint64();
    case token_kind::real: {
        // Boost.JSON 1.81 reads a number of more than 17 significant digits one ulp apart depending on how many
        // bytes follow it in the buffer (a fast path and a slow one): [1.6666666666666666666666] and
        // [1.6666666666666666666666,0,0,0,0,0,0,0] differ. So a real is the same within two ulps. (It also reads
        // 0e400 as NaN, the same way every time.)
        if (!v.is_double()) return false;
        double const a = v.get_double(), b = t.real();
        if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
        return a == b || std::nextafter(a, b) == b || std::nextafter(std::nextafter(a, b), b) == b;
    }
    case token_kind::string: return v.is_string() && std::string_view(v.get_string()) == t.string();
    case token_kind::array: {
        auto const* a = v.if_array();
        if (!a || a->size() != t.size()) return false;
        std::size_t i = 0;
        bool ok = true;
        t.each_item([&](json_ref item) {
            auto const at = t.item(i);
            ok = ok && i < a->size() && at && at->kind() == item.kind() && same(item, (*a)[i], first_wins);
            ++i;
        });
        return ok && i == t.size() && !t.item(i);
    }
    case token_kind::object: {
        auto const* o = v.if_object();
        if (!o) return false;
        std::map<std::string_view, std::size_t> total, seen;
        t.each_member([&](std::string_view key, json_ref) { ++total[key]; });
        std::size_t members = 0;
        bool ok = total.size() == o->size();
        t.each_member([&](std::string_view key, json_ref value) {
            ++members;
            auto const* found = o->if_contains(key);
            if (!ok || !found) {
                ok = false;
                return;
            }
            std::size_t const n = ++seen[key];
            if (n == 1) { // find() gives the first occurrence
                auto const first = t.find(key);
                ok = first && same(*first, value.to_value(), true);
            }
            if (first_wins ? n == 1 : n == total[key]) ok = ok && same(value, *found, first_wins);
        });
        return ok && members == t.size();
    }
    }
    return false;
}

void check(std::string_view text, std::size_t depth) {
    auto const scan = mi::scan_json(text, depth);
    using state = json_scan::state;
    if (scan.length > text.size()) violated("length is beyond the text", text, depth, scan);
    if (scan.status != state::complete && scan.length != 0) violated("a length without a complete text", text, depth, scan);

    // The dispatcher reads the same bytes with the same parser: it must agree.
    thread_local mi::detail::tape tape;
    bool const read = tape.read(text, depth);
    if (read != (scan.status == state::complete)) violated("the tape and scan_json disagree", text, depth, scan);

    boost::json::parse_options options;
    options.max_depth = depth;
    if (scan.status == state::complete) {
        if (scan.length == 0) violated("a complete text of no bytes", text, depth, scan);
        auto const prefix = text.substr(0, scan.length);
        boost::system::error_code ec;
        auto const dom = boost::json::parse(prefix, ec, {}, options);
        if (ec) violated("boost::json::parse refuses the complete text", text, depth, scan);
        auto const again = mi::scan_json(prefix, depth);
        if (again.status != state::complete || again.length != scan.length)
            violated("the complete text alone is not complete with the same length", text, depth, scan);
        if (scan.length < text.size()) {
            if (is_space(text[scan.length])) violated("whitespace after the text is left out of its length", text, depth, scan);
            std::string longer(text);
            longer.append(text);
            auto const extended = mi::scan_json(longer, depth);
            if (extended.status != state::complete || extended.length != scan.length)
                violated("bytes after the end of the text change its extent", text, depth, scan);
        }
        json_ref const root(tape, 0);
        if (!same(root, dom, false)) violated("the tape does not hold what boost::json::parse builds", text, depth, scan);
        if (!same(root, root.to_value(), true)) violated("json_ref::to_value does not hold what the tape holds", text, depth, scan);
    }

    if (scan.status == state::invalid) {
        for (std::string_view suffix : {std::string_view("\"}]}]"), std::string_view(" 0"), text}) {
            std::string longer(text);
            longer.append(suffix);
            if (mi::scan_json(longer, depth).status != state::invalid)
                violated("bytes appended to an invalid text make it valid", text, depth, scan);
        }
        return;
    }

    // Every prefix of a text that is (or may become) complete may still become complete: never invalid.
    std::size_t const end = scan.status == state::complete ? scan.length : text.size();
    auto try_cut = [&](std::size_t k) {
        if (k >= end) return;
        auto const part = mi::scan_json(text.substr(0, k), depth);
        if (part.status == state::invalid) {
            std::fprintf(stderr, "*** the prefix of %zu bytes is invalid\n", k);
            violated("a prefix of a complete or incomplete text is invalid", text, depth, scan);
        }
    };
    if (end <= 64) {
        for (std::size_t k = 0; k < end; ++k) try_cut(k);
    } else {
        for (std::size_t k = 0; k < 16; ++k) try_cut(k);
        for (std::size_t k = end - 16; k < end; ++k) try_cut(k);
        for (std::size_t i = 1; i < 32; ++i) try_cut(end * i / 32);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    std::string_view const text(reinterpret_cast<char const*>(data), size);
    check(text, 32);
    check(text, 4);
    return 0;
}
