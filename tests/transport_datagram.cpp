// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The datagram transport (spec 6.2) driven by clients that do what python-opensips does (spec 7.3): UDP from
// an unbound socket, UNIX from a socket bound to a path of its own; one datagram out, answers back.
#include <mi/transport/datagram.hpp>

#define BOOST_TEST_MODULE transport_datagram
#include <boost/test/unit_test.hpp>

#include <mi/mi.hpp>
#include <mi/transport/thread.hpp>

#include "transport_commands.hpp"

#include <boost/asio/post.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace std::chrono_literals;

namespace {

using namespace transport_test;

// --- the clients ---------------------------------------------------------------------------------------------

// A client socket: send one datagram, wait a bounded time for each answer.
class client {
public:
    explicit client(int family) : fd_(::socket(family, SOCK_DGRAM, 0)) { BOOST_REQUIRE(fd_ >= 0); }
    client(client const&) = delete;
    client& operator=(client const&) = delete;
    ~client() { ::close(fd_); }

    void send(std::string const& text, sockaddr const* to, socklen_t size) {
        BOOST_REQUIRE(::sendto(fd_, text.data(), text.size(), 0, to, size) == static_cast<ssize_t>(text.size()));
    }
    // nullopt: nothing within `timeout`
    std::optional<std::string> receive(std::chrono::milliseconds timeout = 3000ms) {
        timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        std::vector<char> buffer(70000);
        ssize_t const n = ::recv(fd_, buffer.data(), buffer.size(), 0);
        if (n < 0) return std::nullopt;
        return std::string(buffer.data(), static_cast<std::size_t>(n));
    }
    int fd() const { return fd_; }

private:
    int fd_;
};

// python-opensips' UDP call: a fresh unbound socket per call.
class udp_client : public client {
public:
    explicit udp_client(boost::asio::ip::udp::endpoint server) : client(server.address().is_v6() ? AF_INET6 : AF_INET), to_(server) {}
    void send(std::string const& text) { client::send(text, to_.data(), static_cast<socklen_t>(to_.size())); }
    std::optional<std::string> call(std::string const& text, std::chrono::milliseconds timeout = 3000ms) {
        send(text);
        return receive(timeout);
    }
    // Where the server sees this client: the loopback address it sent to (the socket itself is bound to the
    // wildcard address) and the port the system gave it.
    std::string address() const {
        sockaddr_storage local{};
        socklen_t size = sizeof local;
        ::getsockname(fd(), reinterpret_cast<sockaddr*>(&local), &size);
        auto const port = local.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6 const&>(local).sin6_port
                                                      : reinterpret_cast<sockaddr_in const&>(local).sin_port;
        std::string const host = to_.address().to_string();
        return (to_.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(ntohs(port));
    }

private:
    boost::asio::ip::udp::endpoint to_;
};

sockaddr_un unix_address(std::string const& path) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    BOOST_REQUIRE(path.size() < sizeof a.sun_path);
    std::copy(path.begin(), path.end(), a.sun_path);
    return a;
}

// python-opensips' UNIX call: a socket bound to a path of its own, so that the server can answer it.
class unix_client : public client {
public:
    unix_client(std::string server, std::optional<std::string> own) : client(AF_UNIX), server_(std::move(server)) {
        if (!own) return;
        auto const a = unix_address(*own);
        BOOST_REQUIRE(::bind(fd(), reinterpret_cast<sockaddr const*>(&a), sizeof a) == 0);
    }
    void send(std::string const& text) {
        auto const a = unix_address(server_);
        client::send(text, reinterpret_cast<sockaddr const*>(&a), sizeof a);
    }
    std::optional<std::string> call(std::string const& text, std::chrono::milliseconds timeout = 3000ms) {
        send(text);
        return receive(timeout);
    }

private:
    std::string server_;
};

struct temp_dir {
    std::string path;
    temp_dir() {
        char name[] = "/tmp/mi_dgram_test_XXXXXX";
        BOOST_REQUIRE(::mkdtemp(name));
        path = name;
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

bool exists(std::string const& path) {
    struct stat st{};
    return ::lstat(path.c_str(), &st) == 0;
}

struct fixture {
    temp_dir dir;
    mi::transport::background loop{2};
    std::optional<mi::datagram::server<dispatcher_type>> server;

    ~fixture() {
        server.reset();
        loop.stop();
        join_workers();
    }
    void start(mi::datagram::options const& o) {
        server.reset();
        server.emplace(loop.context(), dispatcher, o);
        server->start();
    }
    void start_udp(std::string const& address = "udp:127.0.0.1:0", std::size_t buffer_size = 65457) {
        mi::datagram::options o;
        o.socket = address;
        o.buffer_size = buffer_size;
        start(o);
    }
};

bool ipv6_loopback() {
    int const fd = ::socket(AF_INET6, SOCK_DGRAM, 0);
    if (fd < 0) return false;
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    bool const ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

} // namespace

// --- UDP -----------------------------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(udp_python_request_bytes, fixture) {
    start_udp();
    auto const at = server->udp_endpoint();
    BOOST_TEST(at.port() != 0);
    BOOST_TEST(server->local_address() == "127.0.0.1:" + std::to_string(at.port()));
    BOOST_TEST(text(udp_client(at).call(python_request("echo", R"({"text": "hello"})"))) == result(R"("hello")"));
    BOOST_TEST(text(udp_client(at).call(python_request("nope"))) ==
               R"({"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":"1234"})");
    BOOST_TEST(text(udp_client(at).call(python_request("boom"))) ==
               R"({"jsonrpc":"2.0","error":{"code":-32603,"message":"Internal error"},"id":"1234"})");
    BOOST_TEST(text(udp_client(at).call(R"({"jsonrpc": "2.0", "id": 1, "params": {}})")) ==
               R"({"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":1})");
    udp_client c(at);
    auto const who = text(c.call(python_request("who"))); // first: the call gives the client its port
    BOOST_TEST(who == result("\"datagram " + c.address() + "\""));
}

BOOST_FIXTURE_TEST_CASE(udp_plain_text_errors_and_silence, fixture) {
    start_udp();
    auto const at = server->udp_endpoint();
    udp_client c(at);
    BOOST_TEST(text(c.call("this is not json")) == "400 Parse_error");
    BOOST_TEST(text(c.call(R"({"jsonrpc": "2.0", "id": "1",)")) == "400 Parse_error");
    BOOST_TEST(text(c.call(python_request("broken"))) == "500 Internal error");

    int const before = counter.load();
    c.send(""); // empty datagrams are ignored
    BOOST_TEST(!c.call(R"({"jsonrpc": "2.0", "method": "count", "params": {}})", 300ms)); // notification
    BOOST_TEST(text(c.call(python_request("count"))) == result(std::to_string(before + 2)));
}

BOOST_FIXTURE_TEST_CASE(udp_an_answer_longer_than_the_buffer_is_500, fixture) {
    start_udp("udp:127.0.0.1:0", 1000);
    auto const at = server->udp_endpoint();
    auto const answer_of = [](int size) { return result('"' + std::string(static_cast<std::size_t>(size), 'x') + '"'); };
    int const fits = 999 - static_cast<int>(answer_of(0).size()); // buffer_size - 1 bytes in all
    BOOST_TEST(text(udp_client(at).call(python_request("big", "[" + std::to_string(fits) + "]"))) == answer_of(fits));
    BOOST_TEST(text(udp_client(at).call(python_request("big", "[" + std::to_string(fits + 1) + "]"))) == "500 Internal error");
}

BOOST_FIXTURE_TEST_CASE(udp_async_answers_are_two_datagrams, fixture) {
    start_udp();
    udp_client c(server->udp_endpoint());
    c.send(python_request("slow"));
    BOOST_TEST(text(c.receive()) == result(R"("working")"));
    BOOST_TEST(text(c.receive()) == result(R"("done")"));
}

BOOST_FIXTURE_TEST_CASE(udp_requests_beyond_the_pending_bound_are_500_and_reported, fixture) {
    mi::datagram::options o;
    o.socket = "udp:127.0.0.1:0";
    o.max_pending = 1;
    std::atomic<int> queue_hits{0};
    o.on_limit = [&](std::string_view limit, mi::context const& ctx) {
        if (limit == "queue" && ctx.transport == "datagram") ++queue_hits;
    };
    start(o);
    auto const at = server->udp_endpoint();
    udp_client waiting(at);
    waiting.send(python_request("slow")); // pending for 150 ms
    BOOST_TEST(text(waiting.receive()) == result(R"("working")"));
    BOOST_TEST(text(udp_client(at).call(python_request("echo", R"({"text": "x"})"))) == "500 Internal error");
    BOOST_TEST(queue_hits.load() == 1);
    BOOST_TEST(text(waiting.receive()) == result(R"("done")"));
    BOOST_TEST(text(udp_client(at).call(python_request("echo", R"({"text": "x"})"))) == result(R"("x")"));
}

BOOST_FIXTURE_TEST_CASE(udp_an_async_command_that_never_answers_is_500_after_its_timeout, fixture) {
    mi::datagram::options o;
    o.socket = "udp:127.0.0.1:0";
    o.max_pending = 1;
    o.async_timeout = 200ms;
    std::atomic<int> timeouts{0};
    o.on_limit = [&](std::string_view limit, mi::context const&) { timeouts += limit == "timeout"; };
    start(o);
    auto const at = server->udp_endpoint();
    udp_client c(at);
    auto const start_time = std::chrono::steady_clock::now();
    BOOST_TEST(text(c.call(python_request("hold"))) == "500 Internal error");
    BOOST_TEST((std::chrono::steady_clock::now() - start_time >= 190ms));
    BOOST_TEST(timeouts.load() == 1);
    // its queue slot is free again, and its late answer goes nowhere
    BOOST_TEST(text(udp_client(at).call(python_request("echo", R"({"text": "x"})"))) == result(R"("x")"));
    finish_held("too late");
    BOOST_TEST(!c.receive(300ms));
}

BOOST_AUTO_TEST_CASE(udp_stop_cancels_the_deadlines_of_calls_still_waiting) {
    boost::asio::io_context io;
    mi::datagram::options o;
    o.socket = "udp:127.0.0.1:0";
    mi::datagram::server<dispatcher_type> server(io, dispatcher, o);
    server.start();
    udp_client c(server.udp_endpoint());
    c.send(python_request("hold"));
    std::promise<void> ran_out;
    std::jthread runner([&] {
        io.run(); // returns once nothing is left to do: not before the 240 s deadline, if stop() left it armed
        ran_out.set_value();
    });
    std::this_thread::sleep_for(200ms);
    server.stop();
    BOOST_TEST((ran_out.get_future().wait_for(3s) == std::future_status::ready));
    io.stop();
    finish_held("after stop");
    BOOST_TEST(!c.receive(200ms));
}

BOOST_FIXTURE_TEST_CASE(udp_calls_have_the_permission_the_socket_grants, fixture) {
    mi::datagram::options o;
    o.socket = "udp:127.0.0.1:0";
    o.granted = mi::permission::read;
    start(o);
    BOOST_TEST(text(udp_client(server->udp_endpoint()).call(python_request("count"))) ==
               R"({"jsonrpc":"2.0","error":{"code":-32003,"message":"Permission denied","data":)"
               R"("count called so needs the 'admin' permission; this caller has 'read'"},"id":"1234"})");
}

BOOST_FIXTURE_TEST_CASE(udp_many_clients_at_once, fixture) {
    start_udp();
    auto const at = server->udp_endpoint();
    std::vector<std::jthread> clients;
    std::atomic<int> right{0};
    for (int t = 0; t < 4; ++t)
        clients.emplace_back([&, t] {
            // plain calls only: Boost.Test's assertions are for the test's own thread
            int const fd = ::socket(AF_INET, SOCK_DGRAM, 0);
            timeval const tv{3, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            std::vector<char> buffer(70000);
            for (int i = 0; i < 50; ++i) {
                std::string const text = std::to_string(t) + "-" + std::to_string(i);
                std::string const request = python_request("echo", R"({"text": ")" + text + "\"}", text);
                ::sendto(fd, request.data(), request.size(), 0, at.data(), static_cast<socklen_t>(at.size()));
                ssize_t const n = ::recv(fd, buffer.data(), buffer.size(), 0);
                if (n > 0 && std::string_view(buffer.data(), static_cast<std::size_t>(n)) ==
                                 result('"' + text + '"', '"' + text + '"'))
                    ++right;
            }
            ::close(fd);
        });
    clients.clear();
    BOOST_TEST(right.load() == 200);
}

BOOST_FIXTURE_TEST_CASE(udp_ipv6, fixture) {
    if (!ipv6_loopback()) {
        BOOST_TEST_MESSAGE("no IPv6 loopback here: skipped");
        return;
    }
    for (std::string const address : {"udp:[::1]:0", "udp:::1:0"}) {
        start_udp(address);
        auto const at = server->udp_endpoint();
        BOOST_TEST(at.address().is_v6());
        BOOST_TEST(server->local_address() == "[::1]:" + std::to_string(at.port()));
        udp_client c(at);
        auto const who = text(c.call(python_request("who"))); // first: the call gives the client its port
        BOOST_TEST(who == result("\"datagram " + c.address() + "\""));
    }
}

BOOST_FIXTURE_TEST_CASE(udp_bad_addresses, fixture) {
    for (std::string const address : {"udp:127.0.0.1", "udp::8080", "udp:127.0.0.1:", "udp:127.0.0.1:65536",
                                      "udp:127.0.0.1:80x", "udp:[::1:80", "udp:[::1]80"}) {
        mi::datagram::options o;
        o.socket = address;
        mi::datagram::server<dispatcher_type> s(loop.context(), dispatcher, o);
        BOOST_CHECK_THROW(s.start(), std::invalid_argument);
    }
    mi::datagram::options o;
    o.socket = "udp:no-such-host.invalid:8080";
    mi::datagram::server<dispatcher_type> s(loop.context(), dispatcher, o);
    BOOST_CHECK_THROW(s.start(), std::exception);
}

// --- UNIX datagram sockets -----------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(unix_socket_answers_the_clients_own_path, fixture) {
    std::string const path = dir.path + "/mi.sock";
    mi::datagram::options o;
    o.socket = path;
    start(o);
    BOOST_TEST(server->local_address() == path);
    struct stat st{};
    BOOST_REQUIRE(::lstat(path.c_str(), &st) == 0);
    BOOST_TEST(S_ISSOCK(st.st_mode));
    BOOST_TEST((st.st_mode & 07777) == 0660u);

    std::string const own = dir.path + "/opensips_mi_reply_abcd1234";
    {
        unix_client c(path, own);
        BOOST_TEST(text(c.call(python_request("echo", R"({"text": "hello"})"))) == result(R"("hello")"));
        BOOST_TEST(text(c.call(python_request("who"))) == result("\"datagram " + own + "\""));
        BOOST_TEST(text(c.call("{")) == "400 Parse_error");
        BOOST_TEST(text(c.call(python_request("broken"))) == "500 Internal error");
        c.send(python_request("slow"));
        BOOST_TEST(text(c.receive()) == result(R"("working")"));
        BOOST_TEST(text(c.receive()) == result(R"("done")"));
        BOOST_TEST(!c.call(R"({"jsonrpc": "2.0", "method": "count", "params": {}})", 300ms));
    }
    ::unlink(own.c_str());

    // a client without a path of its own runs its command but cannot be answered
    int const before = counter.load();
    unix_client(path, std::nullopt).send(python_request("count"));
    // Two io threads may take the next datagram before this one has run: wait for it, or the count below races it.
    auto const deadline = std::chrono::steady_clock::now() + 3s;
    while (counter.load() == before && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    BOOST_TEST(counter.load() == before + 1);
    unix_client c(path, own);
    BOOST_TEST(text(c.call(python_request("count"))) == result(std::to_string(before + 2)));

    server->stop();
    BOOST_TEST(!exists(path));
}

BOOST_FIXTURE_TEST_CASE(unix_socket_mode_owner_and_stale_files, fixture) {
    std::string const path = dir.path + "/mi.sock";
    // a socket left by an earlier run is replaced
    {
        unix_client stale(path, path);
    }
    BOOST_REQUIRE(exists(path));
    mi::datagram::options o;
    o.socket = path;
    o.mode = 0;
    bool const root = ::geteuid() == 0;
    o.user = root ? "nobody" : std::to_string(::geteuid());
    start(o);
    struct stat st{};
    BOOST_REQUIRE(::lstat(path.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 07777) == 0600u);
    if (root) {
        passwd const* nobody = ::getpwnam("nobody");
        BOOST_REQUIRE(nobody);
        BOOST_TEST(st.st_uid == nobody->pw_uid);
        BOOST_TEST(st.st_gid == nobody->pw_gid);
    }
    std::string const own = dir.path + "/client.sock";
    BOOST_TEST(text(unix_client(path, own).call(python_request("echo", R"({"text": "x"})"))) == result(R"("x")"));
    server.reset();
    BOOST_TEST(!exists(path));

    // anything else at the path is left alone
    std::ofstream(path) << "precious";
    o.user.reset();
    server.emplace(loop.context(), dispatcher, o);
    BOOST_CHECK_THROW(server->start(), std::system_error);
    BOOST_TEST(std::filesystem::is_regular_file(path));
    ::unlink(path.c_str());
    BOOST_REQUIRE(::symlink((dir.path + "/elsewhere").c_str(), path.c_str()) == 0);
    server.emplace(loop.context(), dispatcher, o);
    BOOST_CHECK_THROW(server->start(), std::system_error);
    BOOST_TEST(std::filesystem::is_symlink(path));
}

BOOST_FIXTURE_TEST_CASE(unix_socket_of_a_running_server_is_not_taken_over, fixture) {
    std::string const path = dir.path + "/mi.sock";
    mi::datagram::options o;
    o.socket = path;
    start(o);
    mi::datagram::server<dispatcher_type> second(loop.context(), dispatcher, o);
    try {
        second.start();
        BOOST_FAIL("a second server took over a socket in use");
    } catch (std::system_error const& e) {
        BOOST_TEST(std::string(e.what()).find("is in use by a running process; not removing it") != std::string::npos,
                   e.what());
    }
    std::string const own = dir.path + "/client.sock";
    BOOST_TEST(text(unix_client(path, own).call(python_request("echo", R"({"text": "first"})"))) == result(R"("first")"));
}

// --- busy polling ---------------------------------------------------------------------------------------------

BOOST_FIXTURE_TEST_CASE(busy_polling_serves_as_the_reactor_does_and_leaves_the_io_context_to_others, fixture) {
    std::string const path = dir.path + "/mi.sock";
    for (std::string const& socket : {std::string("udp:127.0.0.1:0"), path}) {
        mi::datagram::options o;
        o.socket = socket;
        o.busy_poll = 10s; // it polls throughout
        start(o);
        bool const udp = socket.starts_with("udp:");
        std::string const own = dir.path + "/client.sock";
        auto call = [&](std::string const& request) {
            if (udp) return udp_client(server->udp_endpoint()).call(request);
            ::unlink(own.c_str());
            return unix_client(path, own).call(request);
        };
        int const before = counter.load();
        for (int i = 1; i <= 20; ++i) BOOST_TEST(text(call(python_request("count"))) == result(std::to_string(before + i)));
        BOOST_TEST(text(call("not json")) == "400 Parse_error");
        // other work on the io_context still runs while the server polls
        std::promise<void> ran;
        boost::asio::post(loop.context(), [&ran] { ran.set_value(); });
        BOOST_TEST((ran.get_future().wait_for(2s) == std::future_status::ready));
        // an asynchronous command's answers come from another thread while the server polls
        if (udp) {
            udp_client c(server->udp_endpoint());
            c.send(python_request("slow"));
            BOOST_TEST(text(c.receive()) == result(R"("working")"));
            BOOST_TEST(text(c.receive()) == result(R"("done")"));
        }
        join_workers();
        server->stop(); // while polling
        ::unlink(own.c_str());
    }
    BOOST_TEST(!exists(path));
}

BOOST_FIXTURE_TEST_CASE(busy_polling_stops_once_no_datagram_came_for_its_time, fixture) {
    mi::datagram::options o;
    o.socket = "udp:127.0.0.1:0";
    o.busy_poll = 20ms;
    start(o);
    udp_client c(server->udp_endpoint());
    int const before = counter.load();
    BOOST_TEST(text(c.call(python_request("count"))) == result(std::to_string(before + 1)));
    std::this_thread::sleep_for(100ms); // the polling ends
    auto const cpu = process_cpu_time();
    std::this_thread::sleep_for(500ms);
    // a thread still polling would have used about all of the 500 ms
    BOOST_TEST((process_cpu_time() - cpu).count() < 250);
    // the reactor serves the next one, and it polls again
    BOOST_TEST(text(c.call(python_request("count"))) == result(std::to_string(before + 2)));
    BOOST_TEST(text(c.call(python_request("count"))) == result(std::to_string(before + 3)));
}

BOOST_FIXTURE_TEST_CASE(no_descriptor_is_left_open, fixture) {
    auto const open_fds = [] {
        return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator("/proc/self/fd"), {}));
    };
    start_udp(); // the io_context makes its reactor's descriptors with the first socket
    server.reset();
    auto const before = open_fds();
    std::string const path = dir.path + "/mi.sock";
    mi::datagram::options o;
    o.socket = path;
    start(o);
    BOOST_TEST(text(unix_client(path, dir.path + "/c.sock").call(python_request("count"))) != "<none>");
    start_udp();
    BOOST_TEST(text(udp_client(server->udp_endpoint()).call(python_request("count"))) != "<none>");
    server.reset();
    BOOST_TEST(open_fds() == before);
}
