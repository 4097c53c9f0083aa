// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The JSON reader's code, inline from <mi/dispatcher.hpp>, or compiled once by <mi/src.hpp>: it instantiates
// Boost.JSON's whole parser, the largest piece of code mi has.

#include <mi/detail/json/tape.hpp>

#include <boost/json/basic_parser_impl.hpp>

#include <limits>

namespace mi::detail {

// The basic_parser handler that writes a tape. An object's members are a key (a string token) followed by
// the value's tokens.
class tape_writer {
public:
    static constexpr std::size_t max_array_size = std::numeric_limits<std::uint32_t>::max();
    static constexpr std::size_t max_object_size = std::numeric_limits<std::uint32_t>::max();
    static constexpr std::size_t max_string_size = std::numeric_limits<std::uint32_t>::max();
    static constexpr std::size_t max_key_size = std::numeric_limits<std::uint32_t>::max();

    using error_code = boost::json::error_code;
    using string_view = boost::json::string_view;

    explicit tape_writer(tape& t) noexcept : tape_(t) {}

    void start(std::string_view input) {
        tape_.input_ = input;
        tape_.tokens_.clear();
        tape_.open_.clear();
        tape_.arena_.clear();
        part_ = npos;
        number_start_ = nullptr;
    }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_array_begin(error_code&) { return open(token_kind::array); }
    bool on_array_end(std::size_t n, error_code&) { return close(n); }
    bool on_object_begin(error_code&) { return open(token_kind::object); }
    bool on_object_end(std::size_t n, error_code&) { return close(n); }
    bool on_string_part(string_view s, std::size_t, error_code&) { return part(s); }
    bool on_string(string_view s, std::size_t, error_code&) { return text(s); }
    bool on_key_part(string_view s, std::size_t, error_code&) { return part(s); }
    bool on_key(string_view s, std::size_t, error_code&) { return text(s); }
    bool on_number_part(string_view s, error_code&) {
        if (number_start_ == nullptr) number_start_ = s.data();
        return true;
    }
    bool on_int64(std::int64_t i, string_view s, error_code&) {
        return number(token_kind::int64, s).number.int64 = i, true;
    }
    bool on_uint64(std::uint64_t u, string_view s, error_code&) {
        return number(token_kind::uint64, s).number.uint64 = u, true;
    }
    bool on_double(double d, string_view s, error_code& ec) {
        return finite_number(d, ec) && (number(token_kind::real, s).number.real = d, true);
    }
    bool on_bool(bool b, error_code&) { return scalar(token_kind::boolean).boolean = b, true; }
    bool on_null(error_code&) { return scalar(token_kind::null), true; }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }

private:
    static constexpr std::size_t npos = std::size_t(-1);

    token& scalar(token_kind kind) {
        auto& t = tape_.tokens_.emplace_back();
        t.kind = kind;
        t.end = static_cast<std::uint32_t>(tape_.tokens_.size());
        return t;
    }

    // A number keeps its text as well as its value, so that an id is echoed as the bytes the client sent
    // (`1.7` stays `1.7`, `1E2` stays `1E2`). Numbers have no escapes: their text is always in the request.
    token& number(token_kind kind, string_view last) {
        auto& t = scalar(kind);
        char const* const first = number_start_ ? number_start_ : last.data();
        number_start_ = nullptr;
        t.offset = static_cast<std::uint32_t>(first - tape_.input_.data());
        t.size = static_cast<std::uint32_t>(last.data() + last.size() - first);
        return t;
    }

    bool open(token_kind kind) {
        tape_.open_.push_back(static_cast<std::uint32_t>(tape_.tokens_.size()));
        tape_.tokens_.emplace_back().kind = kind;
        return true;
    }

    bool close(std::size_t n) {
        auto& t = tape_.tokens_[tape_.open_.back()];
        tape_.open_.pop_back();
        t.size = static_cast<std::uint32_t>(n);
        t.end = static_cast<std::uint32_t>(tape_.tokens_.size());
        return true;
    }

    bool part(string_view s) {
        if (part_ == npos) part_ = tape_.arena_.size();
        tape_.arena_.append(s.data(), s.size());
        return true;
    }

    // A string whole: a view into the request when it came in one piece from there, else its unescaped
    // text in the arena.
    bool text(string_view s) {
        auto& t = scalar(token_kind::string);
        auto const input = tape_.input_;
        bool const in_input = part_ == npos && s.data() >= input.data() && s.data() + s.size() <= input.data() + input.size();
        if (in_input) {
            t.offset = static_cast<std::uint32_t>(s.data() - input.data());
            t.size = static_cast<std::uint32_t>(s.size());
            return true;
        }
        auto& arena = tape_.arena_;
        if (part_ == npos) part_ = arena.size();
        arena.append(s.data(), s.size());
        t.in_arena = true;
        t.offset = static_cast<std::uint32_t>(part_);
        t.size = static_cast<std::uint32_t>(arena.size() - part_);
        part_ = npos;
        return true;
    }

    tape& tape_;
    std::size_t part_ = npos; // where the string being assembled in the arena starts
    char const* number_start_ = nullptr; // where the number being read in parts starts
};

class tape::reader : public boost::json::basic_parser<tape_writer> {
public:
    using basic_parser::basic_parser;
};

MI_DECL void tape::reader_deleter::operator()(reader* r) const noexcept { delete r; }

MI_DECL bool tape::read(std::string_view text, std::size_t max_depth) {
    if (!reader_ || depth_ != max_depth) {
        boost::json::parse_options options;
        options.max_depth = max_depth;
        reader_.reset(new reader(options, *this));
        depth_ = max_depth;
    }
    reader_->reset();
    reader_->handler().start(text);
    if (text.size() >= std::numeric_limits<std::uint32_t>::max()) return false;
    boost::json::error_code ec;
    reader_->write_some(false, text.data(), text.size(), ec);
    too_deep_ = ec == boost::json::error::too_deep;
    return !ec && reader_->done();
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
