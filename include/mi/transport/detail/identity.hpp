// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/context.hpp>
#include <mi/coroutine.hpp> // so that a server's coroutine handlers need no include of their own

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <string_view>

namespace mi::transport::detail {

/** What a transport says of every caller: its own name, what it grants, and whom it tells of the limits they
    meet. Every server makes its callers' contexts and reports its limits through one of these. */
struct identity {
    std::string_view transport;             ///< "http", "fifo", "datagram"
    permission granted = permission::admin; ///< what a caller may do, unless its credentials say less
    limit_hook const* on_limit = nullptr;   ///< the server's `options::on_limit`, which outlives this
    boost::asio::any_io_executor const* executor = nullptr; ///< where the server's coroutine handlers run
    std::chrono::milliseconds answer_within{0};             ///< the server's `options::async_timeout`

    context caller(std::string_view peer) const noexcept { return caller(peer, granted); }
    context caller(std::string_view peer, permission credential) const noexcept {
        return {transport, peer, credential, executor, answer_within};
    }

    /** Tells `on_limit` that `who` met `limit`; what the hook throws is dropped: a failing counter must not change
        the answer. */
    void hit(std::string_view limit, context const& who) const noexcept {
        if (on_limit) mi::detail::report_limit(*on_limit, limit, who);
    }
    void hit(std::string_view limit, std::string_view peer) const noexcept { hit(limit, caller(peer)); }
};

} // namespace mi::transport::detail
