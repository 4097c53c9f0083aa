// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// <mi/transport/event_stream.hpp> against real TCP listeners on loopback: notifications back to back on one
// connection, under the socket's /method; a subscriber that goes away and comes back is reconnected (with
// what was queued meanwhile); the queue bound while nobody listens; the reliable mode's replies, refusals and
// timeouts; and what happens to a subscription that ends.
#include <mi/transport/event_stream.hpp>

#define BOOST_TEST_MODULE transport_event_stream
#include <boost/test/unit_test.hpp>

#include <mi/transport/thread.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/describe/class.hpp>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using tcp = boost::asio::ip::tcp;
using namespace std::chrono_literals;

struct blocked {
    std::string ip;
};
BOOST_DESCRIBE_STRUCT(blocked, (), (ip))

constexpr auto declared = mi::event_set(mi::event<"E_PIKE_BLOCKED", blocked>());

std::string notification(std::string_view ip, std::string_view method = "E_PIKE_BLOCKED") {
    return R"({"jsonrpc":"2.0","method":")" + std::string(method) + R"(","params":{"ip":")" + std::string(ip) + "\"}}";
}

struct drops {
    std::mutex mutex;
    std::vector<std::string> seen;
    mi::event_drop_hook hook() {
        return [this](std::string_view, std::string_view, std::string_view why) {
            std::lock_guard lock(mutex);
            seen.emplace_back(why);
        };
    }
    std::vector<std::string> now() {
        std::lock_guard lock(mutex);
        return seen;
    }
};

// A subscriber: a listener on loopback, read with blocking calls on the test's thread.
struct listener {
    boost::asio::io_context io;
    tcp::acceptor acceptor{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
    unsigned short port = acceptor.local_endpoint().port();

    tcp::socket accept() {
        tcp::socket s(io);
        acceptor.accept(s);
        return s;
    }

    // Reads exactly `bytes` bytes (the notifications expected, back to back).
    static std::string read(tcp::socket& s, std::size_t bytes) {
        std::string got(bytes, '\0');
        boost::asio::read(s, boost::asio::buffer(got));
        return got;
    }
};

struct fixture {
    drops told;
    mi::transport::background loop{1}; // outlives the hub, as a delivery's io_context must
    mi::events<std::remove_cvref_t<decltype(declared)>> events{declared, {.on_drop = told.hook()}};

    void deliver_with(mi::event_stream::options o = {}) {
        events.hub().deliver_with(std::make_shared<mi::event_stream::delivery>(loop.context(), events.hub(), o));
    }
};

template <class Condition>
bool eventually(Condition c) {
    for (int i = 0; i < 500; ++i) {
        if (c()) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(notifications_back_to_back_on_one_connection_under_the_sockets_method, fixture) {
    deliver_with();
    listener plain, renamed;
    events.hub().subscribe("E_PIKE_BLOCKED", "tcp:127.0.0.1:" + std::to_string(plain.port), std::nullopt);
    events.hub().subscribe("E_PIKE_BLOCKED", "tcp:localhost:" + std::to_string(renamed.port) + "/pike", std::nullopt);
    events.raise<"E_PIKE_BLOCKED">(blocked{"10.0.0.1"});
    events.raise<"E_PIKE_BLOCKED">(blocked{"10.0.0.2"});
    auto a = plain.accept();
    auto b = renamed.accept();
    std::string const one = notification("10.0.0.1") + notification("10.0.0.2");
    std::string const other = notification("10.0.0.1", "pike") + notification("10.0.0.2", "pike");
    BOOST_TEST(listener::read(a, one.size()) == one);
    BOOST_TEST(listener::read(b, other.size()) == other);
}

BOOST_FIXTURE_TEST_CASE(a_subscriber_that_goes_away_and_comes_back_is_reconnected, fixture) {
    deliver_with({.first_retry = 20ms, .longest_retry = 200ms});
    auto l = std::make_unique<listener>();
    auto const port = l->port;
    events.hub().subscribe("E_PIKE_BLOCKED", "tcp:127.0.0.1:" + std::to_string(port), std::nullopt);
    events.raise<"E_PIKE_BLOCKED">(blocked{"1"});
    {
        auto c = l->accept();
        BOOST_TEST(listener::read(c, notification("1").size()) == notification("1"));
    } // the subscriber closes its end
    std::this_thread::sleep_for(50ms); // the sink sees the close
    l.reset();                         // and nobody listens for a while: notifications wait, connections are retried
    events.raise<"E_PIKE_BLOCKED">(blocked{"2"});
    events.raise<"E_PIKE_BLOCKED">(blocked{"3"});
    std::this_thread::sleep_for(150ms);
    boost::asio::io_context io;
    tcp::acceptor back(io, {boost::asio::ip::make_address("127.0.0.1"), port});
    tcp::socket c(io);
    back.accept(c);
    std::string const expected = notification("2") + notification("3");
    BOOST_TEST(listener::read(c, expected.size()) == expected);
    BOOST_TEST(told.now().empty());
}

BOOST_FIXTURE_TEST_CASE(while_nobody_listens_the_queue_is_bounded, fixture) {
    deliver_with({.queue_limit = 2, .first_retry = 1000ms});
    unsigned short port = 0;
    {
        listener gone;
        port = gone.port; // a port nobody listens on once this closes
    }
    events.hub().subscribe("E_PIKE_BLOCKED", "tcp:127.0.0.1:" + std::to_string(port), std::nullopt);
    for (int i = 0; i < 5; ++i) events.raise<"E_PIKE_BLOCKED">(blocked{std::to_string(i)});
    BOOST_TEST(eventually([&] { return told.now().size() == 3u; }));
    BOOST_TEST(told.now() == (std::vector<std::string>{"queue", "queue", "queue"}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(reliable_mode_awaits_each_reply, fixture) {
    deliver_with({.reliable = true, .reply_timeout = 200ms});
    listener l;
    events.hub().subscribe("E_PIKE_BLOCKED", "tcp:127.0.0.1:" + std::to_string(l.port), std::nullopt);
    for (auto ip : {"ok", "refused", "silent", "after"}) events.raise<"E_PIKE_BLOCKED">(blocked{ip});
    auto c = l.accept();
    auto request = [&](std::string_view ip) {
        std::string const prefix = notification(ip).substr(0, notification(ip).size() - 1) + ",\"id\":";
        std::string got = listener::read(c, prefix.size());
        BOOST_TEST(got == prefix);
        std::string id;
        for (char ch = 0; boost::asio::read(c, boost::asio::buffer(&ch, 1)), ch != '}';) id += ch;
        return id;
    };
    auto reply = [&](std::string const& body) { boost::asio::write(c, boost::asio::buffer(body)); };
    reply(R"({"jsonrpc":"2.0","result":"OK","id":)" + request("ok") + "}");
    reply(R"({"jsonrpc":"2.0","error":{"code":500,"message":"no"},"id":)" + request("refused") + "}");
    request("silent"); // never answered: the next is sent after the timeout
    auto const last = request("after");
    reply(R"({"jsonrpc":"2.0","result":"OK","id":)" + last + "}");
    BOOST_TEST(eventually([&] { return told.now().size() == 2u; }));
    BOOST_TEST(told.now() == (std::vector<std::string>{"refused", "timeout"}), boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(an_ended_subscription_closes_its_connection, fixture) {
    deliver_with();
    listener l;
    auto const socket = "tcp:127.0.0.1:" + std::to_string(l.port);
    events.hub().subscribe("E_PIKE_BLOCKED", socket, std::nullopt);
    events.raise<"E_PIKE_BLOCKED">(blocked{"1"});
    auto c = l.accept();
    BOOST_TEST(listener::read(c, notification("1").size()) == notification("1"));
    events.hub().subscribe("E_PIKE_BLOCKED", socket, std::chrono::seconds(0)); // lapses at once
    events.raise<"E_PIKE_BLOCKED">(blocked{"2"});                             // purges it: nobody is left
    boost::system::error_code ec;
    char byte;
    c.read_some(boost::asio::buffer(&byte, 1), ec);
    BOOST_TEST(ec == boost::asio::error::eof);
}

BOOST_AUTO_TEST_CASE(sockets_it_takes_and_refuses) {
    boost::asio::io_context io;
    mi::events events(declared);
    mi::event_stream::delivery d(io, events.hub());
    BOOST_TEST(!d.open("udp:127.0.0.1:8080"));
    BOOST_TEST(d.open("tcp:127.0.0.1:8080") != nullptr);
    BOOST_TEST(d.open("tcp:[::1]:8080/method") != nullptr);
    BOOST_CHECK_THROW(d.open("tcp:127.0.0.1:8080/"), std::invalid_argument);
    BOOST_CHECK_THROW(d.open("tcp:127.0.0.1"), std::invalid_argument);
    BOOST_CHECK_THROW(d.open("tcp:opensips.org:8080"), std::invalid_argument);
}
