// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// Spec 6.1's framing of FIFO requests, `:REPLY_NAME:{json}`, with no I/O. Part of <mi/transport/fifo.hpp>.

#include <mi/transport/framing.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace mi::fifo {

namespace detail {

// Spec 6.1: the reply path (reply_dir + name) must be shorter than this.
inline constexpr std::size_t max_reply_path = 128;

enum class frame_status {
    empty,      ///< nothing but whitespace
    incomplete, ///< the start of a request; its end has not arrived
    garbage,    ///< not a frame: does not start with ':' or has no second ':' where one must be
    bad_json,   ///< a reply name, then text that is not JSON
    complete,   ///< a reply name and one JSON text
};

struct frame {
    frame_status status = frame_status::empty;
    bool has_name = false; // the second ':' was found
    std::string_view name;
    std::size_t json_begin = 0;
    std::size_t end = 0; // where the next frame starts (complete frames)
};

// Spec 6.1 framing: leading whitespace, ':', the reply name up to the next ':', then one JSON text (which
// scan_json delimits, so several frames may follow each other in one write; a request split over two
// reads waits for its end instead of being answered -32700).
inline frame next_frame(std::string_view buffer) {
    frame f;
    std::size_t const start = buffer.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos) return f;
    if (buffer[start] != ':') {
        f.status = frame_status::garbage;
        return f;
    }
    std::size_t const colon = buffer.find(':', start + 1);
    if (colon == std::string_view::npos) {
        f.status = buffer.size() - start > max_reply_path + 1 ? frame_status::garbage : frame_status::incomplete;
        return f;
    }
    f.has_name = true;
    f.name = buffer.substr(start + 1, colon - start - 1);
    f.json_begin = colon + 1;
    std::string_view const json = buffer.substr(f.json_begin);
    auto const scanned = scan_json(json);
    if (scanned.status == json_scan::state::complete) {
        f.status = frame_status::complete;
        f.end = f.json_begin + scanned.length;
    } else {
        f.status = scanned.status == json_scan::state::incomplete ? frame_status::incomplete : frame_status::bad_json;
        f.end = buffer.size();
    }
    return f;
}

// The bytes read from the request FIFO and not yet framed. It knows which of them came before the newest read,
// so that a request that cannot be framed is dropped without the requests of other clients behind it.
class request_buffer {
public:
    std::string_view text() const noexcept { return text_; }
    bool empty() const noexcept { return text_.empty(); }
    std::size_t size() const noexcept { return text_.size(); }

    void append(char const* data, std::size_t n) {
        kept_ = text_.size();
        text_.append(data, n);
    }

    void consume(std::size_t n) {
        text_.erase(0, n);
        kept_ = kept_ > n ? kept_ - n : 0;
    }

    void clear() noexcept {
        text_.clear();
        kept_ = 0;
    }

    // A request that cannot be framed. If it began in bytes kept from an earlier read, it is that unfinished
    // request which went wrong: drop it and read the newest bytes afresh, for they likely start another
    // client's request. Otherwise drop everything.
    void discard_bad_frame() {
        if (kept_ > 0 && kept_ < text_.size()) text_.erase(0, kept_);
        else text_.clear();
        kept_ = 0;
    }

private:
    std::string text_;
    std::size_t kept_ = 0; // of text_, the bytes kept from earlier reads (an unfinished request)
};

// Spec 6.1: a name with '.', '/' or '\' could reach outside reply_dir; such a request is dropped.
inline bool reply_name_allowed(std::string_view name, std::string_view reply_dir) {
    return name.find_first_of("./\\") == std::string_view::npos && reply_dir.size() + name.size() < max_reply_path;
}

} // namespace detail

} // namespace mi::fifo
