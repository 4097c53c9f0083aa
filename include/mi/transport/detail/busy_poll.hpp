// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/asio/post.hpp>

#include <chrono>
#include <utility>

namespace mi::transport::detail {

/** What one turn of busy polling found. */
enum class poll_turn {
    served,  ///< a request was read and handled (the handler polls again from there if it wants)
    nothing, ///< nothing to read yet
    done,    ///< polling must end without going back to the reactor (the server stopped, the file changed)
};

/** Busy polling (`options::busy_poll`): a client that sends its next request right after its answer is served
    without the server being woken. `turn()` makes one non-blocking read per turn of the io_context, so that the
    io_context's other work still runs between reads and it never sleeps while a turn is queued. Once a turn finds
    nothing after `until`, `sleep()` hands reading back to the reactor.

    @param turn a copyable callable returning `poll_turn`
    @param sleep a copyable callable that waits for the next request in the reactor */
template <class Executor, class Turn, class Sleep>
void busy_poll(Executor const& executor, std::chrono::steady_clock::time_point until, Turn turn, Sleep sleep) {
    boost::asio::post(executor, [executor, until, turn = std::move(turn), sleep = std::move(sleep)]() mutable {
        if (turn() != poll_turn::nothing) return;
        if (std::chrono::steady_clock::now() < until) return busy_poll(executor, until, std::move(turn), std::move(sleep));
        sleep();
    });
}

} // namespace mi::transport::detail
