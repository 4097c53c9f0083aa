// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The MCP sessions of the Streamable HTTP transport: an id given in `initialize`'s answer, the revision agreed
// under it. Part of <mi/transport/mcp.hpp>.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mi::mcp::detail {

/** Sessions by id, at most `capacity` of them: one unused for `idle` lapses, and when the table is full the
    least recently used goes (its client is told 404 and initializes again, as the transport provides). Any
    thread may use it. */
class session_table {
public:
    using clock = std::chrono::steady_clock;

    session_table(std::size_t capacity, std::chrono::seconds idle) : capacity_(capacity ? capacity : 1), idle_(idle) {}

    /** A new session under `revision`: its id, 128 random bits in hex. */
    std::string open(std::string_view revision, clock::time_point now = clock::now()) {
        std::lock_guard lock(mutex_);
        std::erase_if(sessions_, [&](auto const& s) { return now - s.second.used > idle_; });
        if (sessions_.size() >= capacity_) {
            auto oldest = sessions_.begin();
            for (auto s = sessions_.begin(); s != sessions_.end(); ++s)
                if (s->second.used < oldest->second.used) oldest = s;
            sessions_.erase(oldest);
        }
        std::string id;
        do id = fresh_id();
        while (sessions_.contains(id));
        sessions_.emplace(id, entry{std::string(revision), now});
        return id;
    }

    /** The revision of session `id`, which is used now; nullopt when there is no such session (any more). */
    std::optional<std::string> revision_of(std::string_view id, clock::time_point now = clock::now()) {
        std::lock_guard lock(mutex_);
        auto const found = sessions_.find(std::string(id));
        if (found == sessions_.end()) return std::nullopt;
        if (now - found->second.used > idle_) {
            sessions_.erase(found);
            return std::nullopt;
        }
        found->second.used = now;
        return found->second.revision;
    }

    /** Ends session `id` (a DELETE); false when there was none. */
    bool close(std::string_view id) {
        std::lock_guard lock(mutex_);
        return sessions_.erase(std::string(id)) != 0;
    }

    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return sessions_.size();
    }

private:
    struct entry {
        std::string revision;
        clock::time_point used;
    };

    std::string fresh_id() {
        static constexpr char hex[] = "0123456789abcdef";
        std::string id;
        for (int word = 0; word < 4; ++word)
            for (std::uint32_t bits = random_(), i = 0; i < 8; ++i, bits >>= 4) id.push_back(hex[bits & 15]);
        return id;
    }

    std::size_t capacity_;
    std::chrono::seconds idle_;
    mutable std::mutex mutex_;
    std::random_device random_;
    std::unordered_map<std::string, entry> sessions_;
};

} // namespace mi::mcp::detail
