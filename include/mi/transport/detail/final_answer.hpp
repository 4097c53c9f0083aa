// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/transport/detail/generation.hpp>

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <mutex>
#include <utility>

namespace mi::transport::detail {

/** The wait for a call's final answer under a deadline (`options::async_timeout`), one call at a time: the answer
    and the deadline race, the first ends the call, and whatever comes second is dropped, as is any answer to an
    earlier call. Every transport answers asynchronous commands through one of these. Thread-safe: an answer may
    come from any thread.

    A call: `begin()` takes a ticket; the dispatcher is called; each final answer asks `end(ticket)` whether it is
    the one to send; once the dispatcher has returned, `expire_after` starts the deadline unless the call has
    ended already, which most calls have: they never touch the timer. */
class final_answer_wait {
public:
    using ticket = generation::ticket;

    template <class Executor>
    explicit final_answer_wait(Executor const& executor) : timer_(executor) {}

    /** A new call: from now on, answers to earlier ones are stale. */
    ticket begin() noexcept {
        std::lock_guard lock(mutex_);
        ended_ = false;
        return calls_.next();
    }

    /** Whether call `t` is still waiting for its final answer: a provisional answer of it may be sent. */
    bool waiting(ticket t) noexcept {
        std::lock_guard lock(mutex_);
        return calls_.is_current(t) && !ended_;
    }

    /** Whether the final answer of call `t` is the first end of the current call: true means send it. */
    bool end(ticket t) noexcept {
        std::lock_guard lock(mutex_);
        if (!calls_.is_current(t) || ended_) return false;
        ended_ = true;
        stop_timer();
        return true;
    }

    /** Unless call `t` has ended, `on_expiry()` runs on the timer's executor if `timeout` passes before its final
        answer. `on_expiry` must keep alive whatever owns this object (it holds the owner's shared_ptr). */
    template <class Handler>
    void expire_after(ticket t, std::chrono::milliseconds timeout, Handler on_expiry) {
        std::lock_guard lock(mutex_);
        if (!calls_.is_current(t) || ended_) return;
        timing_ = true;
        timer_.expires_after(timeout);
        timer_.async_wait([this, t, on_expiry = std::move(on_expiry)](boost::system::error_code ec) mutable {
            if (!ec && end(t)) on_expiry();
        });
    }

    /** Ends the current call without an answer (the server stops or the connection closes): a later answer is
        dropped and the deadline, if any, is cancelled so that it keeps nothing alive. */
    void cancel() noexcept {
        std::lock_guard lock(mutex_);
        ended_ = true;
        calls_.next();
        stop_timer();
    }

private:
    void stop_timer() noexcept {
        if (std::exchange(timing_, false)) timer_.cancel();
    }

    std::mutex mutex_;
    generation calls_;
    bool ended_ = true;
    bool timing_ = false; // a deadline may be pending: most calls never start one, and never cancel one either
    boost::asio::steady_timer timer_;
};

} // namespace mi::transport::detail
