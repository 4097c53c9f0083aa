// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// Coroutine handlers: a handler that returns boost::asio::awaitable<T> is an asynchronous command. It runs on the
// caller's executor (`mi::context::executor`: a transport's own, or the one `mi::coroutines_on` gives), its
// co_return value or the mi::error it throws is the final answer, and it is cancelled when the caller stops
// waiting (`mi::context::answer_within`). Every transport header includes this one.

#include <mi/async.hpp>
#include <mi/context.hpp>
#include <mi/detail/dispatch/core.hpp>
#include <mi/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>

#include <exception>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mi {

namespace detail {

// Runs the handler's coroutine to its end and answers with what it gave: its value, its mi::error, or -32603
// for anything else it threw, as a handler that returns does. Cancelled (the caller stopped waiting), it fails
// the call: what a transport answers when the time is up, so that the deadline and the cancellation, racing,
// give the same bytes.
template <class T>
boost::asio::awaitable<void> answer_from(boost::asio::awaitable<T> handler, async_reply reply) {
    std::exception_ptr thrown;
    try {
        if constexpr (std::is_void_v<T>) {
            co_await std::move(handler);
            reply.finish(std::string_view("OK"));
        } else if constexpr (is_result<T>) {
            auto returned = co_await std::move(handler);
            if (!returned.has_value()) reply.finish(returned.error());
            else if constexpr (std::is_void_v<typename T::value_type>) reply.finish(std::string_view("OK"));
            else reply.finish(*returned);
        } else {
            reply.finish(co_await std::move(handler));
        }
    } catch (mi::error const& e) {
        reply.finish(e);
    } catch (...) {
        thrown = std::current_exception();
    }
    if (!thrown) co_return;
    auto const state = co_await boost::asio::this_coro::cancellation_state;
    if (state.cancelled() != boost::asio::cancellation_type::none) reply.fail();
    else reply.finish(mi::error(errc::internal_error));
}

// A call's deadline: when it passes before the coroutine ends, the coroutine is cancelled (terminal). The timer,
// the signal and the coroutine share one strand, since a cancellation signal may be used on one thread at a time.
struct coroutine_deadline {
    explicit coroutine_deadline(boost::asio::strand<boost::asio::any_io_executor> const& strand) : timer(strand) {}
    boost::asio::steady_timer timer;
    boost::asio::cancellation_signal signal;
};

template <class T, class Executor>
struct coroutine_start<boost::asio::awaitable<T, Executor>> {
    static_assert(std::is_same_v<Executor, boost::asio::any_io_executor>,
                  "mi: a coroutine handler returns boost::asio::awaitable<T> on Asio's default executor "
                  "(any_io_executor), the one transports run it on");

    static void start(boost::asio::awaitable<T, Executor> handler, async_reply reply, context const& ctx) noexcept {
        if constexpr (std::is_same_v<Executor, boost::asio::any_io_executor>) try {
            if (!ctx.executor) {
                reply.finish(mi::error(errc::internal_error, "No executor to run the coroutine on"));
                return;
            }
            if (ctx.answer_within.count() <= 0) {
                boost::asio::co_spawn(*ctx.executor, answer_from(std::move(handler), std::move(reply)),
                                      boost::asio::detached);
                return;
            }
            auto const strand = boost::asio::make_strand(*ctx.executor);
            auto deadline = std::make_shared<coroutine_deadline>(strand);
            deadline->timer.expires_after(ctx.answer_within);
            deadline->timer.async_wait([deadline](boost::system::error_code ec) {
                if (!ec) deadline->signal.emit(boost::asio::cancellation_type::terminal);
            });
            boost::asio::co_spawn(strand, answer_from(std::move(handler), std::move(reply)),
                                  boost::asio::bind_cancellation_slot(deadline->signal.slot(),
                                                                      [deadline](std::exception_ptr) {
                                                                          deadline->timer.cancel();
                                                                      }));
        } catch (...) {
            reply.fail(); // if the frame holding it was made, its end failed the call already
        }
    }
};

} // namespace detail

/** A dispatcher whose coroutine handlers run on `executor` (a strand, another io_context's) rather than on the
    transport's: give it to a transport in place of the dispatcher. Kept by reference, like the dispatcher. */
template <class Dispatcher>
class coroutines_on {
public:
    coroutines_on(Dispatcher const& dispatcher, boost::asio::any_io_executor executor)
        : dispatcher_(dispatcher), executor_(std::move(executor)) {}

    template <class OnAnswer>
    void async_call(std::string_view request, context const& ctx, OnAnswer on_answer) const {
        context on_ours = ctx;
        on_ours.executor = &executor_;
        dispatcher_.async_call(request, on_ours, std::move(on_answer));
    }

private:
    Dispatcher const& dispatcher_;
    boost::asio::any_io_executor const executor_;
};

} // namespace mi
