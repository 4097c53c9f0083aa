// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi_bench_events: what raising an event costs, and how fast notifications reach a subscriber.
//   raise with 0 subscribers (one atomic load), 1 and 100 subscribers (the notification written once, then
//   queued to each), beside writing the same notification alone; the subscribers' sinks only count what they
//   are given, so that the figures are the raising side's, not a socket's.
//   delivery: notifications per second reaching one UDP and one TCP subscriber on loopback (a thread that
//   receives them), beside a bare loop sending the same bytes on a socket of the same kind to the same receiver.
// Every notification is checked before anything is timed (exit status 1 on a mismatch).
// Usage: mi_bench_events [--iterations N] [--repetitions N]
#include <mi/events.hpp>
#include <mi/transport/event_datagram.hpp>
#include <mi/transport/event_stream.hpp>
#include <mi/transport/thread.hpp>

#include "measure.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <boost/describe/class.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

struct blocked {
    std::string ip;
    int seconds;
};
BOOST_DESCRIBE_STRUCT(blocked, (), (ip, seconds))

constexpr auto declared = mi::event_set(mi::event<"E_PIKE_BLOCKED", blocked>());
std::string const expected = R"({"jsonrpc":"2.0","method":"E_PIKE_BLOCKED","params":{"ip":"192.168.2.11","seconds":30}})";

// Subscribers that take what they are given and keep the last: a queue with no socket behind it.
struct counting : mi::event_delivery {
    struct sink : mi::event_sink {
        std::atomic<std::uint64_t> got{0};
        std::shared_ptr<std::string const> last;
        void deliver(mi::notification const& n) noexcept override {
            got.fetch_add(1, std::memory_order_relaxed);
            last = n.text;
        }
        std::uint64_t dropped() const noexcept override { return 0; }
    };
    std::vector<std::shared_ptr<sink>> sinks;
    std::shared_ptr<mi::event_sink> open(std::string_view) override { return sinks.emplace_back(std::make_shared<sink>()); }
};

using mi_bench::fail;
using mi_bench::ns_per_call;

using clock_type = std::chrono::steady_clock;
auto const loopback = boost::asio::ip::make_address("127.0.0.1");

// Notifications per second from the first send to the last one received, mi's delivery beside the bare loop.
struct rates {
    double mi = 0, bare = 0;
};

double per_second(std::uint64_t n, clock_type::time_point start, clock_type::time_point last) {
    return static_cast<double>(n) / std::chrono::duration<double>(last - start).count();
}

// UDP: the receiver counts datagrams (each one notification) until it has `n` or they stop coming.
rates udp_rates(std::uint64_t n) {
    boost::asio::io_context io;
    boost::asio::ip::udp::socket receiver(io, {loopback, 0});
    receiver.set_option(boost::asio::socket_base::receive_buffer_size(8 << 20));
    timeval const quiet{0, 500'000}; // a receive that waits longer: the rest were lost
    ::setsockopt(receiver.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &quiet, sizeof quiet);
    auto const to = receiver.local_endpoint();
    auto receive_all = [&] {
        std::vector<char> buffer(2048);
        std::uint64_t got = 0;
        auto last = clock_type::now();
        while (got < n) {
            ssize_t const size = ::recv(receiver.native_handle(), buffer.data(), buffer.size(), 0);
            if (size < 0) break;
            if (std::string_view(buffer.data(), static_cast<std::size_t>(size)) != expected) fail("a datagram");
            ++got, last = clock_type::now();
        }
        if (got < n) std::fprintf(stderr, "mi_bench_events: %llu of %llu datagrams arrived\n",
                                  static_cast<unsigned long long>(got), static_cast<unsigned long long>(n));
        return std::pair(got, last);
    };
    rates r;
    {
        mi::transport::background loop(1);
        mi::events events(declared);
        events.hub().deliver_with(std::make_shared<mi::event_datagram::delivery>(
            loop.context(), events.hub(), mi::event_datagram::options{static_cast<std::size_t>(n), 65457}));
        events.hub().subscribe("E_PIKE_BLOCKED", "udp:127.0.0.1:" + std::to_string(to.port()), std::nullopt);
        blocked const payload{"192.168.2.11", 30};
        auto const start = clock_type::now();
        std::thread raiser([&] {
            for (std::uint64_t i = 0; i < n; ++i) events.raise<"E_PIKE_BLOCKED">(payload);
        });
        auto const [got, last] = receive_all();
        raiser.join();
        r.mi = per_second(got, start, last);
    }
    boost::asio::ip::udp::socket sender(io, {loopback, 0});
    auto const start = clock_type::now();
    std::thread bare([&] {
        for (std::uint64_t i = 0; i < n; ++i) sender.send_to(boost::asio::buffer(expected), to);
    });
    auto const [got, last] = receive_all();
    bare.join();
    r.bare = per_second(got, start, last);
    return r;
}

// TCP: the receiver reads the notifications back to back (each of a known size) from one accepted connection.
rates tcp_rates(std::uint64_t n) {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {loopback, 0});
    auto const port = acceptor.local_endpoint().port();
    auto receive_all = [&] {
        boost::asio::ip::tcp::socket c(io);
        acceptor.accept(c);
        std::string all(expected.size() * n, '\0');
        boost::asio::read(c, boost::asio::buffer(all));
        if (all.substr(all.size() - expected.size()) != expected) fail("a stream notification");
        return clock_type::now();
    };
    rates r;
    {
        mi::transport::background loop(1);
        mi::events events(declared);
        mi::event_stream::options o;
        o.queue_limit = static_cast<std::size_t>(n);
        events.hub().deliver_with(std::make_shared<mi::event_stream::delivery>(loop.context(), events.hub(), o));
        events.hub().subscribe("E_PIKE_BLOCKED", "tcp:127.0.0.1:" + std::to_string(port), std::nullopt);
        blocked const payload{"192.168.2.11", 30};
        auto const start = clock_type::now();
        std::thread raiser([&] {
            for (std::uint64_t i = 0; i < n; ++i) events.raise<"E_PIKE_BLOCKED">(payload);
        });
        auto const last = receive_all();
        raiser.join();
        r.mi = per_second(n, start, last);
    }
    auto const start = clock_type::now();
    std::thread bare([&] {
        boost::asio::io_context own;
        boost::asio::ip::tcp::socket s(own);
        s.connect({loopback, port});
        for (std::uint64_t i = 0; i < n; ++i) boost::asio::write(s, boost::asio::buffer(expected));
    });
    auto const last = receive_all();
    bare.join();
    r.bare = per_second(n, start, last);
    return r;
}

} // namespace

int main(int argc, char** argv) {
    std::uint64_t iterations = 1'000'000;
    int repetitions = 5;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--iterations") && i + 1 < argc) iterations = std::strtoull(argv[++i], nullptr, 10);
        else if (!std::strcmp(argv[i], "--repetitions") && i + 1 < argc) repetitions = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: mi_bench_events [--iterations N] [--repetitions N]\n");
            return 2;
        }
    }
    blocked const payload{"192.168.2.11", 30};
    std::size_t sink = 0;
    double const write_only = ns_per_call(iterations, repetitions, [&] {
        sink += mi::detail::write_notification<blocked>("E_PIKE_BLOCKED", payload).text->size();
    });
    if (*mi::detail::write_notification<blocked>("E_PIKE_BLOCKED", payload).text != expected) fail("the notification");

    std::printf("ns per raise, least of %d repetitions of %llu raises, one thread\n\n", repetitions,
                static_cast<unsigned long long>(iterations));
    std::printf("| subscribers | ns per raise | vs writing the notification once |\n|---:|---:|---:|\n");
    for (int subscribers : {0, 1, 100}) {
        mi::events events(declared);
        auto const counted = std::make_shared<counting>();
        events.hub().deliver_with(counted);
        for (int s = 0; s < subscribers; ++s)
            events.hub().subscribe("E_PIKE_BLOCKED", "count:" + std::to_string(s), std::nullopt);
        std::uint64_t const n = subscribers == 100 ? std::max<std::uint64_t>(1, iterations / 20) : iterations;
        double const ns = ns_per_call(n, repetitions, [&] { events.raise<"E_PIKE_BLOCKED">(payload); });
        for (auto const& s : counted->sinks)
            if (s->got != n * static_cast<std::uint64_t>(repetitions) || *s->last != expected) fail("a subscriber's notifications");
        std::printf("| %d | %.1f | %.2f |\n", subscribers, ns, ns / write_only);
    }
    std::printf("\nwriting the notification alone: %.1f ns\n", write_only);

    std::uint64_t const delivered = std::max<std::uint64_t>(100, iterations / 10);
    std::printf("\nnotifications per second reaching one subscriber on loopback (%llu notifications, best of %d)\n\n",
                static_cast<unsigned long long>(delivered), repetitions);
    std::printf("| subscriber | mi's delivery /s | bare send loop /s | mi / bare |\n|---|---:|---:|---:|\n");
    for (auto [name, measure] : {std::pair{"UDP (event_datagram)", &udp_rates}, std::pair{"TCP (event_stream)", &tcp_rates}}) {
        rates best;
        for (int r = 0; r < repetitions; ++r) {
            auto const once = measure(delivered);
            best.mi = std::max(best.mi, once.mi);
            best.bare = std::max(best.bare, once.bare);
        }
        std::printf("| %s | %.0f | %.0f | %.2f |\n", name, best.mi, best.bare, best.mi / best.bare);
    }
    return sink == 0;
}
