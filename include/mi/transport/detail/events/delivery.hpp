// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// What the event deliveries share: a subscriber's address, and the count of what it lost. Part of
// <mi/transport/event_datagram.hpp> and <mi/transport/event_stream.hpp>.

#include <mi/events.hpp>
#include <mi/transport/address.hpp>

#include <boost/asio/ip/address.hpp>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace mi::transport::detail {

/** HOST:PORT of a subscriber's socket (after its `udp:` or `tcp:`), HOST an IP address or localhost: the command
    that subscribes does not wait on DNS. @throws std::invalid_argument naming `delivery` otherwise. */
template <class Endpoint>
Endpoint subscriber_endpoint(std::string_view where, std::string_view delivery) {
    auto const host = parse_host_port(where);
    if (!host) throw std::invalid_argument("mi::" + std::string(delivery) + ": a socket takes HOST:PORT");
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(host->host, ec);
    if (ec && host->host == "localhost") address = boost::asio::ip::address_v4::loopback(), ec = {};
    if (ec) throw std::invalid_argument("mi::" + std::string(delivery) + ": HOST is an IP address, not " + host->host);
    return Endpoint(address, host->port);
}

/** What one subscriber lost: counted, and told to the hub's drop hook (what the hook throws is dropped). */
class losses {
public:
    losses(std::string socket, event_drop_hook hook) : socket_(std::move(socket)), hook_(std::move(hook)) {}

    void drop(notification const& n, std::string_view why) noexcept {
        count_.fetch_add(1, std::memory_order_relaxed);
        mi::detail::tell(hook_, n.event(), socket_, why);
    }

    std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }

private:
    std::string socket_;
    event_drop_hook hook_;
    std::atomic<std::uint64_t> count_{0};
};

} // namespace mi::transport::detail
