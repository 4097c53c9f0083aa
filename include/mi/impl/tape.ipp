// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The JSON reader's code, inline from <mi/detail/tape.hpp>, or compiled once by <mi/src.hpp>: it instantiates
// Boost.JSON's whole parser, the largest piece of code mi has.

#include <mi/detail/tape.hpp>

#include <boost/json/basic_parser_impl.hpp>

namespace mi::detail {

MI_DECL bool tape::read(std::string_view text, std::size_t max_depth) {
    if (!parser_ || depth_ != max_depth) {
        boost::json::parse_options options;
        options.max_depth = max_depth;
        parser_.emplace(options);
        depth_ = max_depth;
    }
    parser_->reset();
    auto& w = parser_->handler();
    w.start(text);
    if (text.size() >= std::numeric_limits<std::uint32_t>::max()) return false;
    boost::json::error_code ec;
    parser_->write_some(false, text.data(), text.size(), ec);
    too_deep_ = ec == boost::json::error::too_deep;
    return !ec && parser_->done();
}

MI_DECL boost::json::value json_ref::to_value() const {
    switch (kind()) {
    case token_kind::null: return nullptr;
    case token_kind::boolean: return boolean();
    case token_kind::int64: return int64();
    case token_kind::uint64: return uint64();
    case token_kind::real: return real();
    case token_kind::string: return boost::json::string(string());
    case token_kind::array: {
        boost::json::array a;
        a.reserve(size());
        each_item([&](json_ref item) { a.push_back(item.to_value()); });
        return a;
    }
    case token_kind::object: {
        boost::json::object o;
        o.reserve(size());
        // emplace keeps the first of duplicate keys, as find does
        each_member([&](std::string_view k, json_ref v) { o.emplace(k, v.to_value()); });
        return o;
    }
    }
    return nullptr;
}

} // namespace mi::detail
