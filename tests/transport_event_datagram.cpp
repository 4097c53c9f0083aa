// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// <mi/transport/event_datagram.hpp>: notifications to real UDP and UNIX datagram sockets on loopback and in a
// temp dir, one per datagram and in order; the per-subscriber bound and the size limit drop (counted, told to
// the hook) instead of blocking or truncating; sockets it does not take.
#include <mi/transport/event_datagram.hpp>

#define BOOST_TEST_MODULE transport_event_datagram
#include <boost/test/unit_test.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/describe/class.hpp>

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace {

struct blocked {
    std::string ip;
};
BOOST_DESCRIBE_STRUCT(blocked, (), (ip))

constexpr auto declared = mi::event_set(mi::event<"E_PIKE_BLOCKED", blocked>(), mi::event<"E_BIG", std::string>());

struct drops {
    std::mutex mutex;
    std::vector<std::string> seen;
    mi::event_drop_hook hook() {
        return [this](std::string_view event, std::string_view socket, std::string_view why) {
            std::lock_guard lock(mutex);
            seen.push_back(std::string(event) + ' ' + std::string(socket) + ' ' + std::string(why));
        };
    }
};

template <class Socket>
std::string receive(Socket& s) {
    std::array<char, 70000> buffer;
    s.non_blocking(false);
    auto const n = s.receive(boost::asio::buffer(buffer));
    return std::string(buffer.data(), n);
}

} // namespace

BOOST_AUTO_TEST_CASE(one_notification_per_udp_and_unix_datagram_in_order) {
    boost::asio::io_context io;
    mi::events events(declared);
    events.hub().deliver_with(std::make_shared<mi::event_datagram::delivery>(io, events.hub()));

    boost::asio::ip::udp::socket udp(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    auto const path = std::filesystem::temp_directory_path() / ("mi_event_test_" + std::to_string(::getpid()));
    std::filesystem::remove(path);
    boost::asio::local::datagram_protocol::socket local(io, {path.string()});
    events.hub().subscribe("E_PIKE_BLOCKED", "udp:127.0.0.1:" + std::to_string(udp.local_endpoint().port()), std::nullopt);
    events.hub().subscribe("E_PIKE_BLOCKED", "unix:" + path.string(), std::nullopt);

    events.raise<"E_PIKE_BLOCKED">(blocked{"192.168.2.11"});
    events.raise<"E_PIKE_BLOCKED">(blocked{"192.168.2.12"});
    io.run();
    for (auto const* ip : {"192.168.2.11", "192.168.2.12"}) {
        std::string const expected = std::string(R"({"jsonrpc":"2.0","method":"E_PIKE_BLOCKED","params":{"ip":")") + ip + "\"}}";
        BOOST_TEST(receive(udp) == expected);
        BOOST_TEST(receive(local) == expected);
    }
    std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(a_full_queue_and_a_datagram_too_large_drop_and_are_told) {
    boost::asio::io_context io; // not run until the end: nothing is sent meanwhile, as with a stuck subscriber
    drops told;
    mi::events events(declared, {.on_drop = told.hook()});
    events.hub().deliver_with(std::make_shared<mi::event_datagram::delivery>(io, events.hub(),
                                                                             mi::event_datagram::options{3, 100}));
    boost::asio::ip::udp::socket udp(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    std::string const socket = "udp:127.0.0.1:" + std::to_string(udp.local_endpoint().port());
    events.hub().subscribe("E_BIG", socket, std::nullopt);
    for (int i = 0; i < 5; ++i) events.raise<"E_BIG">(std::string(10, 'a'));
    events.raise<"E_BIG">(std::string(200, 'b'));
    BOOST_TEST(told.seen == (std::vector<std::string>{"E_BIG " + socket + " queue", "E_BIG " + socket + " queue",
                                                     "E_BIG " + socket + " size"}),
               boost::test_tools::per_element());
    io.run();
    for (int i = 0; i < 3; ++i)
        BOOST_TEST(receive(udp) == R"({"jsonrpc":"2.0","method":"E_BIG","params":["aaaaaaaaaa"]})");
    udp.non_blocking(true);
    boost::system::error_code ec;
    std::array<char, 16> more;
    udp.receive(boost::asio::buffer(more), 0, ec);
    BOOST_TEST(ec == boost::asio::error::would_block); // the three queued, nothing else
}

BOOST_AUTO_TEST_CASE(sockets_it_takes_and_refuses) {
    boost::asio::io_context io;
    mi::events events(declared);
    mi::event_datagram::delivery d(io, events.hub());
    BOOST_TEST(!d.open("tcp:127.0.0.1:8080"));
    BOOST_TEST(!d.open("rabbitmq:host/queue"));
    BOOST_TEST(d.open("udp:127.0.0.1:8080") != nullptr);
    BOOST_TEST(d.open("udp:[::1]:8080") != nullptr);
    BOOST_TEST(d.open("udp:localhost:8080") != nullptr);
    BOOST_TEST(d.open("unix:/tmp/some.sock") != nullptr);
    BOOST_CHECK_THROW(d.open("udp:127.0.0.1"), std::invalid_argument);
    BOOST_CHECK_THROW(d.open("udp:opensips.org:8080"), std::invalid_argument); // no DNS in a command
    BOOST_CHECK_THROW(d.open("unix:"), std::invalid_argument);
}
