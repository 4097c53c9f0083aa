// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/transport/detail/generation.hpp>

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <utility>

namespace mi::transport::detail {

/** A deadline that moves often (every phase of a connection) on one timer that is not reset each time: moving
    the deadline is a store, and the timer, when it fires early, waits again for what is left. Resetting a timer
    costs a cancelled wait, a handler and a reference count; an HTTP request would pay that four times. Not
    thread-safe: used from one strand. */
class moving_deadline {
public:
    using clock = std::chrono::steady_clock;

    template <class Executor>
    explicit moving_deadline(Executor const& executor) : timer_(executor) {}

    /** The deadline is `timeout` from now. Only a sooner deadline than the one the timer waits for resets it:
        then `make_handler()` gives the handler the expiry calls, which keeps the deadline's owner alive. */
    template <class MakeHandler>
    void arm(std::chrono::milliseconds timeout, MakeHandler&& make_handler) {
        deadline_ = clock::now() + timeout;
        if (!waiting_ || deadline_ < timer_.expiry()) wait(make_handler());
    }

    /** No deadline until the next arm: a pending wait, when it fires, does nothing. */
    void clear() noexcept { deadline_ = clock::time_point::max(); }

    /** For good: the pending wait completes at once and does nothing, so it stops holding the owner alive. */
    void cancel() noexcept {
        clear();
        waits_.next();
        waiting_ = false;
        timer_.cancel();
    }

private:
    template <class Handler>
    void wait(Handler handler) {
        waiting_ = true;
        timer_.expires_at(deadline_); // a wait still pending completes as superseded
        // `this` lives as long as the owner, which the handler keeps alive
        timer_.async_wait([this, wait = waits_.next(), handler = std::move(handler)](boost::system::error_code ec) mutable {
            if (!waits_.is_current(wait)) return;
            waiting_ = false;
            if (ec || deadline_ == clock::time_point::max()) return;
            if (clock::now() < deadline_) return this->wait(std::move(handler));
            clear();
            handler();
        });
    }

    boost::asio::steady_timer timer_;
    clock::time_point deadline_ = clock::time_point::max(); // max: none
    generation waits_;     // of the timer: a completion of an older wait does nothing
    bool waiting_ = false; // the timer has a current wait pending
};

} // namespace mi::transport::detail
