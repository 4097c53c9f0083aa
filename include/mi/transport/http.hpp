// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// JSON-RPC over HTTP as OpenSIPS's mi_http and httpd modules serve it (spec section 6.3), on Boost.Beast, with
// room for other endpoints on other roots of the same port (the HTML page, XML-RPC).
// Three layers, as in Beast's own servers: endpoints (`json_rpc` and the others) and `detail::endpoints` decide
// what to answer from a request's parts and a dispatcher's answer (pure, testable without sockets); a `session`
// per connection reads, dispatches and writes on its own strand; a `listener` accepts. A `hub` shared by all of
// them holds what must outlive the `server` object: options, endpoints, the dispatcher reference, the
// connection registry and the stop flag.

#include <mi/transport/async_dispatcher.hpp>
#include <mi/transport/detail/http/endpoint.hpp>
#include <mi/transport/detail/http/hub.hpp>
#include <mi/transport/detail/http/listener.hpp>
#include <mi/transport/detail/http/options.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/system_error.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

namespace mi::http {

/** JSON-RPC over HTTP/1.0 and 1.1 (spec 6.3): `POST /root` with a JSON body, answered 200 with the JSON-RPC
    response, 202 for a notification, 500 when a command fails or an asynchronous one does not answer within
    `options::async_timeout`, and httpd's 400/405/406 for what is not a JSON-RPC call; 413 for a body over
    `options::body_limit`, 431 for headers over `options::header_limit`, 408 when a request does not arrive
    within `options::read_timeout`, 503 to a connection beyond `options::max_connections`, 401 without the
    credentials `options::access` asks for. Connections are kept alive as the client asks, for at most
    `options::max_requests_per_connection` requests.

    `basic_server` is the server over any layer: `server` (plain TCP, below) and `mi::https::server` (TLS).

    Other endpoints (`mi::http::endpoint`s: `mi::html::page`, `mi::xmlrpc::endpoint`) may share the port under
    roots of their own; a request goes to the endpoint with the longest root its path is under.

    Runs on the caller's io_context, which any number of threads may run: each connection has a strand, and
    the dispatcher is called on it. An asynchronous command's answer may come from any thread; the io_context
    is never blocked waiting for it.

        mi::transport::background loop;
        mi::http::server http(loop.context(), dispatcher, {.port = 8888});
        http.start();

    @tparam Dispatcher an `mi::dispatcher` (anything with its `async_call`); it must outlive the server.
    @tparam Extra endpoints served besides JSON-RPC, each under its own root. */
template <class Layer, class Dispatcher, endpoint... Extra>
    requires mi::transport::async_dispatcher<Dispatcher>
class basic_server {
    using hub_type = detail::hub<Layer, Dispatcher, Extra...>;

public:
    /** Prepares a server; nothing is bound until `start`.
        @throws std::invalid_argument when two endpoints (JSON-RPC's is `options::root`) have one root. */
    basic_server(boost::asio::io_context& io, Layer layer, Dispatcher const& dispatcher, options o, Extra... extra)
        : io_(io), hub_(std::make_shared<hub_type>(io.get_executor(), std::move(layer), dispatcher, std::move(o), std::move(extra)...)) {}

    basic_server(basic_server const&) = delete;
    basic_server& operator=(basic_server const&) = delete;

    /** Stops (see `stop`). */
    ~basic_server() { stop(); }

    /** Binds, listens and starts accepting.
        @par Exception Safety
        Throws `boost::system::system_error` naming the address when it is not an IP literal or cannot be
        bound; `std::logic_error` when called twice or after `stop`. */
    void start() {
        if (listener_ || hub_->stopped()) throw std::logic_error("mi::http: a server starts once, before stop()");
        auto const& o = hub_->settings();
        boost::system::error_code ec;
        auto const address = boost::asio::ip::make_address(o.address, ec);
        if (ec) throw boost::system::system_error(ec, "mi::http: bad listen address '" + o.address + '\'');
        auto l = std::make_shared<detail::listener<hub_type>>(io_, hub_);
        endpoint_ = l->open({address, o.port});
        listener_ = std::move(l);
        listener_->start();
    }

    /** Stops accepting and closes every connection; answers still to come are dropped. Any thread may call it,
        a command handler included. When it returns, the server no longer calls the dispatcher and posts
        nothing more to the io_context (it waits for dispatcher calls running on other threads); the closing
        itself runs on the io_context. Idempotent. */
    void stop() {
        hub_->stop();
        if (listener_) listener_->shut();
    }

    /** The address bound by `start` (with the port chosen when `options::port` was 0). */
    boost::asio::ip::tcp::endpoint local_endpoint() const noexcept { return endpoint_; }

private:
    boost::asio::io_context& io_;
    std::shared_ptr<hub_type> hub_;
    std::shared_ptr<detail::listener<hub_type>> listener_;
    boost::asio::ip::tcp::endpoint endpoint_;
};

/** The HTTP server over plain TCP; <mi/transport/https.hpp> has the same over TLS. */
template <class Dispatcher, endpoint... Extra>
    requires mi::transport::async_dispatcher<Dispatcher>
class server : public basic_server<detail::plain_layer, Dispatcher, Extra...> {
public:
    /** Prepares a server; nothing is bound until `start`.
        @throws std::invalid_argument when two endpoints (JSON-RPC's is `options::root`) have one root. */
    server(boost::asio::io_context& io, Dispatcher const& dispatcher, options o = {}, Extra... extra)
        : basic_server<detail::plain_layer, Dispatcher, Extra...>(io, detail::plain_layer{}, dispatcher, std::move(o),
                                                                  std::move(extra)...) {}
};

} // namespace mi::http
