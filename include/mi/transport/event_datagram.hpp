// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// OpenSIPS's event_datagram: event notifications to `udp:HOST:PORT` and `unix:/path` subscribers, one per
// datagram, sent from the io_context the delivery is given.

#include <mi/events.hpp>
#include <mi/transport/detail/events/delivery.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace mi::event_datagram {

struct options {
    std::size_t queue_limit = 1024; ///< notifications waiting for one subscriber; more are dropped
    std::size_t max_size = 65457;   ///< a longer notification is dropped, never truncated (OpenSIPS's limit)
};

namespace detail {

// One subscriber: a socket of its own, its queue, and a strand that sends one datagram at a time.
template <class Protocol>
class sink final : public event_sink, public std::enable_shared_from_this<sink<Protocol>> {
    static constexpr bool local = std::is_same_v<Protocol, boost::asio::local::datagram_protocol>;

public:
    sink(boost::asio::io_context& io, typename Protocol::endpoint to, std::string socket, options o,
         event_drop_hook on_drop)
        : strand_(boost::asio::make_strand(io)), socket_(strand_), to_(std::move(to)), options_(o),
          losses_(std::move(socket), std::move(on_drop)) {
        socket_.open(to_.protocol());
    }

    void deliver(notification const& n) noexcept override {
        if (n.text->size() > options_.max_size) return drop(n, "size");
        try {
            std::lock_guard lock(mutex_);
            if (queue_.size() >= options_.queue_limit) return drop(n, "queue");
            queue_.push_back(n);
            if (sending_) return;
            sending_ = true;
            boost::asio::post(strand_, [self = this->shared_from_this()] { self->send_next(); });
        } catch (...) {
            drop(n, "memory");
        }
    }

    std::uint64_t dropped() const noexcept override { return losses_.count(); }

private:
    void send_next() {
        notification next;
        {
            std::lock_guard lock(mutex_);
            if (queue_.empty()) {
                sending_ = false;
                return;
            }
            next = std::move(queue_.front());
            queue_.pop_front();
        }
        auto const& text = *next.text;
        auto done = [self = this->shared_from_this(), next](boost::system::error_code ec, std::size_t) {
            if (ec) self->failed(next);
            self->send_next();
        };
        if constexpr (local) {
            // Connected, so that a subscriber whose queue is full makes the socket unwritable (the kernel tells
            // only a connected sender): sending waits, this queue fills and drops, and nothing spins.
            if (!connected_) {
                boost::system::error_code ec;
                socket_.connect(to_, ec);
                if (ec) return done(ec, 0);
                connected_ = true;
            }
            socket_.async_send(boost::asio::buffer(text.data(), text.size()), std::move(done));
        } else {
            socket_.async_send_to(boost::asio::buffer(text.data(), text.size()), to_, std::move(done));
        }
    }

    // A send failed (a UNIX subscriber that went, or came back as a new socket): counted, and the next one
    // connects afresh.
    void failed(notification const& n) {
        drop(n, "socket");
        if constexpr (local) {
            boost::system::error_code ignored;
            socket_.close(ignored);
            socket_.open(to_.protocol(), ignored);
            connected_ = false;
        }
    }

    void drop(notification const& n, std::string_view why) noexcept { losses_.drop(n, why); }

    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    typename Protocol::socket socket_;
    typename Protocol::endpoint to_;
    options options_;
    transport::detail::losses losses_;
    std::mutex mutex_;
    std::deque<notification> queue_;
    bool sending_ = false;
    bool connected_ = false; // a UNIX sink's socket, to its subscriber's path
};

} // namespace detail

/** Takes `udp:HOST:PORT` (HOST an IPv4 or IPv6 address, or localhost: a command does not wait on DNS) and
    `unix:/path` sockets; every notification is one datagram, sent in order from `io`, which must outlive the
    hub. Give it to a hub: `events.hub().deliver_with(std::make_shared<mi::event_datagram::delivery>(io, events.hub()))`. */
class delivery final : public event_delivery {
public:
    delivery(boost::asio::io_context& io, event_hub const& hub, options o = {})
        : io_(io), on_drop_(hub.drop_hook()), options_(o) {}

    std::shared_ptr<event_sink> open(std::string_view socket) override {
        if (socket.starts_with("unix:")) {
            std::string_view const path = socket.substr(5);
            if (path.empty()) throw std::invalid_argument("mi::event_datagram: unix: needs a path");
            return std::make_shared<detail::sink<boost::asio::local::datagram_protocol>>(
                io_, boost::asio::local::datagram_protocol::endpoint(std::string(path)), std::string(socket), options_,
                on_drop_);
        }
        if (!socket.starts_with("udp:")) return nullptr;
        auto const to = transport::detail::subscriber_endpoint<boost::asio::ip::udp::endpoint>(socket.substr(4), "event_datagram");
        return std::make_shared<detail::sink<boost::asio::ip::udp>>(io_, to, std::string(socket), options_, on_drop_);
    }

private:
    boost::asio::io_context& io_;
    event_drop_hook on_drop_;
    options options_;
};

} // namespace mi::event_datagram
