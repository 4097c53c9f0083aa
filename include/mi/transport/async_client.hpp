// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The client of <mi/transport/client.hpp> as Asio coroutines: `co_await mi::client::async_raw(connection, request)`
// waits for the reply on the awaiting coroutine's executor without holding a thread, over FIFO, UDP, UNIX datagrams
// and HTTP, with the same bytes, options and timeouts as the blocking calls. What `co_await remote.async_call<...>()`
// (<mi/remote.hpp>) is built on.

#include <mi/transport/client.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <string>
#include <utility>

#include <poll.h>

namespace mi::client {

namespace detail {

// Waits until `fd` (which stays the caller's) is readable, or throws `failure(late)` once `deadline` has passed.
inline boost::asio::awaitable<void> readable(int fd, std::chrono::steady_clock::time_point deadline,
                                             std::string const& late) {
    using namespace boost::asio::experimental::awaitable_operators;
    auto const executor = co_await boost::asio::this_coro::executor;
    boost::asio::posix::stream_descriptor watched(executor, fd);
    struct give_back { // the descriptor is the caller's: never closed here
        boost::asio::posix::stream_descriptor& d;
        ~give_back() { d.release(); }
    } const keep{watched};
    boost::asio::steady_timer timer(executor, deadline);
    // whichever ends first cancels the other
    auto const first = co_await (watched.async_wait(boost::asio::posix::descriptor_base::wait_read, boost::asio::use_awaitable) ||
                                 timer.async_wait(boost::asio::use_awaitable));
    if (first.index() == 1) throw failure(late);
}

inline boost::asio::awaitable<std::string> async_fifo_call(fifo_options o, std::string request) {
    auto sent = send_fifo(o, request);
    auto const deadline = std::chrono::steady_clock::now() + o.timeout;
    for (;;) {
        co_await readable(sent.in.fd, deadline, "no reply from " + o.path + " in time");
        // Only a hang-up ends the answer, as for the blocking call: a readable FIFO may read nothing yet.
        pollfd state{sent.in.fd, POLLIN, 0};
        bool const hung_up = ::poll(&state, 1, 0) == 1 && (state.revents & POLLHUP);
        if (sent.read_some(hung_up)) co_return std::move(sent.answer);
    }
}

inline boost::asio::awaitable<std::string> async_datagram_call(datagram_options o, std::string request) {
    auto const sent = send_datagram(o, request);
    co_await readable(sent.sock.fd, std::chrono::steady_clock::now() + o.timeout, "no reply from " + o.socket + " in time");
    co_return sent.receive(o);
}

inline boost::asio::awaitable<std::string> async_http_call(http_options o, std::string request) {
    namespace http = boost::beast::http;
    auto const t = parse_url(o.url);
    if (t.tls) throw failure("co_await over https:// is not supported yet; call it blocking, or over http://");
    try {
        auto const executor = co_await boost::asio::this_coro::executor;
        boost::beast::tcp_stream stream(executor);
        stream.expires_after(o.timeout);
        auto const where = co_await boost::asio::ip::tcp::resolver(executor).async_resolve(
            t.host, std::to_string(t.port), boost::asio::use_awaitable);
        co_await stream.async_connect(where, boost::asio::use_awaitable);
        auto req = http_request(o, t, request);
        co_await http::async_write(stream, req, boost::asio::use_awaitable);
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> res;
        co_await http::async_read(stream, buffer, res, boost::asio::use_awaitable);
        co_return http_answer(t, std::move(res));
    } catch (boost::system::system_error const& e) {
        throw failure(t.shown + ": " + e.code().message());
    }
}

} // namespace detail

/** The reply text to a request text, awaited on the calling coroutine's executor. */
inline boost::asio::awaitable<std::string> async_raw(connection const& c, std::string request) {
    auto const& target = c.where();
    if (auto const* fifo = std::get_if<fifo_options>(&target)) co_return co_await detail::async_fifo_call(*fifo, std::move(request));
    if (auto const* datagram = std::get_if<datagram_options>(&target))
        co_return co_await detail::async_datagram_call(*datagram, std::move(request));
    co_return co_await detail::async_http_call(std::get<http_options>(target), std::move(request));
}

} // namespace mi::client
