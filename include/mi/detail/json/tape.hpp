// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// A request read into a flat list of tokens by boost::json::basic_parser, without building a DOM: strings stay
// views into the request (or into one arena when they had escapes), containers know where they end, and both
// lists are reused from request to request, so a warm read allocates nothing. `json_ref` walks it.

#include <mi/detail/config.hpp>

#include <boost/json/error.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mi::detail {

enum class token_kind : std::uint8_t { null, boolean, int64, uint64, real, string, array, object };

struct token {
    token_kind kind = token_kind::null;
    bool in_arena = false;  // string: its text is in the arena (it was unescaped), not in the request
    bool boolean = false;
    std::uint32_t end = 0;    // one past the last token of this value (a container's items included)
    std::uint32_t size = 0;   // array: items; object: members; string, number: bytes of its text
    std::uint32_t offset = 0; // string, number: where its text starts
    union {
        std::int64_t int64;
        std::uint64_t uint64;
        double real;
    } number{};
};

// JSON has no infinity or NaN, but Boost.JSON reads a number too large for a double (1e400) as one. Such a
// number is refused as the syntax error it is closest to, so no handler ever receives one.
inline bool finite_number(double d, boost::json::error_code& ec) noexcept {
    if (std::isfinite(d)) return true;
    ec = boost::json::error::exponent_overflow;
    return false;
}

/** One JSON text as tokens. Reused: `read` keeps the memory of the previous text. */
class tape {
public:
    /** Reads `text`, which must outlive every use of what this tape returns; false if it is not one JSON
        value (trailing text after a complete value is ignored, as boost::json::parser::write_some does) or
        nests deeper than `max_depth`. */
    MI_DECL bool read(std::string_view text, std::size_t max_depth);

    /** Whether the last `read` failed for nesting deeper than allowed. */
    bool too_deep() const noexcept { return too_deep_; }

    /** The bytes of the longest string (or member name) in the value at `index`, its items included. */
    std::size_t longest_string(std::uint32_t index) const noexcept {
        std::size_t longest = 0;
        for (auto i = index; i < tokens_[index].end; ++i)
            if (tokens_[i].kind == token_kind::string) longest = std::max<std::size_t>(longest, tokens_[i].size);
        return longest;
    }

    token const& operator[](std::uint32_t i) const noexcept { return tokens_[i]; }

    std::string_view text(token const& t) const noexcept {
        return (t.in_arena ? std::string_view(arena_) : input_).substr(t.offset, t.size);
    }

private:
    // Boost.JSON's basic_parser with the handler that writes this tape, both in <mi/detail/json/tape.ipp>: a
    // translation unit that only binds and answers never compiles the parser's declarations.
    friend class tape_writer;
    class reader;
    struct reader_deleter {
        MI_DECL void operator()(reader* r) const noexcept;
    };

    std::unique_ptr<reader, reader_deleter> reader_;
    std::size_t depth_ = 0; // the reader's
    bool too_deep_ = false;
    std::string_view input_;
    std::vector<token> tokens_;
    std::vector<std::uint32_t> open_; // containers not yet closed, as token indices
    std::string arena_;               // the text of strings that had escapes or came in parts
};

/** A value on a tape: what binding and the envelope read instead of a boost::json::value. */
class json_ref {
public:
    json_ref(tape const& t, std::uint32_t index) noexcept : tape_(&t), index_(index) {}

    token_kind kind() const noexcept { return at().kind; }
    bool is(token_kind k) const noexcept { return at().kind == k; }
    bool is_number() const noexcept {
        return is(token_kind::int64) || is(token_kind::uint64) || is(token_kind::real);
    }
    bool is_structured() const noexcept { return is(token_kind::array) || is(token_kind::object); }

    bool boolean() const noexcept { return at().boolean; }
    std::int64_t int64() const noexcept { return at().number.int64; }
    std::uint64_t uint64() const noexcept { return at().number.uint64; }
    double real() const noexcept { return at().number.real; }
    std::string_view string() const noexcept { return tape_->text(at()); }
    /** A number's text as the request spelled it. */
    std::string_view number_text() const noexcept { return tape_->text(at()); }

    /** The bytes of the longest string or member name in this value, its items included. */
    std::size_t longest_string() const noexcept { return tape_->longest_string(index_); }

    /** Items of an array, members of an object. */
    std::size_t size() const noexcept { return at().size; }

    /** Calls f(item) for each item of an array. */
    template <class F>
    void each_item(F&& f) const {
        for (auto i = index_ + 1; i < at().end; i = (*tape_)[i].end) f(json_ref(*tape_, i));
    }

    /** Calls f(key, value) for each member of an object, in order. */
    template <class F>
    void each_member(F&& f) const {
        for (auto i = index_ + 1; i < at().end; i = (*tape_)[i + 1].end)
            f(tape_->text((*tape_)[i]), json_ref(*tape_, i + 1));
    }

    /** The item at `position` of an array (counting from 0); nullopt past the end. */
    std::optional<json_ref> item(std::size_t position) const noexcept {
        auto i = index_ + 1;
        for (; i < at().end && position != 0; --position) i = (*tape_)[i].end;
        if (i >= at().end) return std::nullopt;
        return json_ref(*tape_, i);
    }

    /** The value of the first member named `key` of an object (OpenSIPS takes the first of duplicates). */
    std::optional<json_ref> find(std::string_view key) const noexcept {
        for (auto i = index_ + 1; i < at().end; i = (*tape_)[i + 1].end)
            if (tape_->text((*tape_)[i]) == key) return json_ref(*tape_, i + 1);
        return std::nullopt;
    }

    /** The value as a DOM, for parameters that want one. */
    MI_DECL boost::json::value to_value() const;

private:
    token const& at() const noexcept { return (*tape_)[index_]; }

    tape const* tape_;
    std::uint32_t index_;
};

} // namespace mi::detail
