// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <chrono>
#include <functional>
#include <string_view>

// Declared, not included: a context only points to the executor, and most callers never give one.
namespace boost::asio {
class any_io_executor;
} // namespace boost::asio

namespace mi {

/** What a call may do, from least to most. A recipe needs one (`mi::needs_read`, `mi::needs_write`; a recipe
    that says nothing needs `admin`); a caller is granted one, and runs only recipes that need no more. */
enum class permission : unsigned char { read, write, admin };

constexpr std::string_view name_of(permission p) noexcept {
    switch (p) {
    case permission::read: return "read";
    case permission::write: return "write";
    case permission::admin: return "admin";
    }
    return "admin";
}

/** Who is calling. A handler that declares a parameter `mi::context const&` receives it; it is not a JSON
    parameter. Transports fill it in; the views stay valid for the duration of the call only. */
struct context {
    std::string_view transport = "inproc"; ///< "http", "fifo", "datagram", ... or "inproc"
    std::string_view peer;                 ///< the peer's address as the transport spells it, if any
    permission granted = permission::admin; ///< the most the caller may do: its credential's or transport's level
    /// Where a coroutine handler runs (transports give their own); without one, such a command fails with -32603.
    boost::asio::any_io_executor const* executor = nullptr;
    /// How long the caller waits for an asynchronous command's final answer (a transport's `async_timeout`): a
    /// coroutine handler still running then is cancelled. Zero: no limit.
    std::chrono::milliseconds answer_within{0};
};

/** Told each time a request meets a limit, with the limit's name ("batch", "depth", "params", "string",
    "body", "header", "connections", "requests_per_connection", "timeout", "queue") and the caller. Called on
    the thread that hit it; it must be thread-safe and must not throw. */
using limit_hook = std::function<void(std::string_view limit, context const&)>;

namespace detail {
// Tells `hook`, if there is one, that `caller` met `limit`. Whatever it throws is dropped: a failing counter
// must not change the answer.
inline void report_limit(limit_hook const& hook, std::string_view limit, context const& caller) noexcept {
    if (!hook) return;
    try {
        hook(limit, caller);
    } catch (...) {
    }
}
} // namespace detail

} // namespace mi
