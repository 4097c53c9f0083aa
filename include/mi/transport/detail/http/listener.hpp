// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// Accepts the connections of one HTTP server. Part of <mi/transport/http.hpp>.

#include <mi/transport/address.hpp>
#include <mi/transport/detail/http/session.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace mi::http {

namespace detail {

// Accepts connections on its own strand; each gets a strand of its own.
template <class Hub>
class listener : public std::enable_shared_from_this<listener<Hub>> {
    using tcp = boost::asio::ip::tcp;
    using error_code = boost::system::error_code;

public:
    listener(boost::asio::io_context& io, std::shared_ptr<Hub> h)
        : io_(io), hub_(std::move(h)), acceptor_(boost::asio::make_strand(io)), retry_(acceptor_.get_executor()) {}

    // Binds and listens, from the thread that calls server::start (no handler runs yet). Throws.
    tcp::endpoint open(tcp::endpoint const& where) {
        auto fail = [&](error_code ec, char const* what) {
            throw boost::system::system_error(ec, "mi::http: cannot " + std::string(what) + ' ' +
                                                      mi::transport::text_of(where));
        };
        error_code ec;
        if (acceptor_.open(where.protocol(), ec); ec) fail(ec, "open a socket for");
        if (acceptor_.set_option(tcp::acceptor::reuse_address(true), ec); ec) fail(ec, "set SO_REUSEADDR for");
        if (acceptor_.bind(where, ec); ec) fail(ec, "bind");
        if (acceptor_.listen(tcp::socket::max_listen_connections, ec); ec) fail(ec, "listen on");
        auto const bound = acceptor_.local_endpoint(ec);
        if (ec) fail(ec, "read the address of");
        return bound;
    }

    void start() {
        boost::asio::post(acceptor_.get_executor(), [self = this->shared_from_this()] { self->accept(); });
    }

    void shut() {
        boost::asio::post(acceptor_.get_executor(), [self = this->shared_from_this()] {
            error_code ec;
            self->acceptor_.close(ec);
            self->retry_.cancel();
        });
    }

private:
    void accept() {
        if (!acceptor_.is_open()) return;
        auto accepted = [self = this->shared_from_this()](error_code ec, tcp::socket s) {
            self->on_accept(ec, std::move(s));
        };
        acceptor_.async_accept(boost::asio::make_strand(io_), std::move(accepted));
    }

    void on_accept(error_code ec, tcp::socket socket) {
        if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open() || hub_->stopped()) return;
        if (ec && ec != boost::asio::error::connection_aborted) {
            // Out of descriptors or buffers: try again shortly instead of spinning on the error.
            retry_.expires_after(std::chrono::milliseconds(50));
            retry_.async_wait([self = this->shared_from_this()](error_code e) {
                if (!e) self->accept();
            });
            return;
        }
        if (!ec) {
            auto s = std::make_shared<session<Hub>>(hub_, std::move(socket));
            switch (hub_->admit(s)) {
            case Hub::admission::admitted: s->start(); break;
            case Hub::admission::full:
                if (hub_->may_refuse_politely()) s->refuse();
                break; // else the socket closes with `s`, at once
            case Hub::admission::stopped: break;
            }
        }
        accept();
    }

    boost::asio::io_context& io_;
    std::shared_ptr<Hub> hub_;
    tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_;
};

} // namespace detail

} // namespace mi::http
