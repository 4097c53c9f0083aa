// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The client as Asio coroutines: async_raw and mi::remote's async_call / async_try_call against mi's own HTTP, FIFO,
// UDP and UNIX datagram servers (on 127.0.0.1 and a temp dir, their own io thread), awaited on an io_context the
// test runs on its own thread: results, errors, fifty calls in flight at once on that one thread (the server's
// commands are coroutines that wait, so the calls overlap), and a daemon that never answers (the timeout).
#include <mi/transport/async_client.hpp>

#define BOOST_TEST_MODULE transport_async_client
#include <boost/test/unit_test.hpp>

#include <mi/coroutine.hpp>
#include <mi/mi.hpp>
#include <mi/remote.hpp>
#include <mi/transport/datagram.hpp>
#include <mi/transport/fifo.hpp>
#include <mi/transport/http.hpp>
#include <mi/transport/thread.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace async_client_test {

int add(int a, int b) { return a + b; }
mi::result<int> fails() { return mi::error(404, "Not Found", "no such key"); }
// slow_echo calls in the server now, and the most at once.
std::atomic<int> in_flight{0}, most_in_flight{0};
asio::awaitable<std::string> slow_echo(std::string text, int ms) {
    int const now = ++in_flight;
    for (int most = most_in_flight; now > most && !most_in_flight.compare_exchange_weak(most, now);) {
    }
    struct leave {
        ~leave() { --in_flight; }
    } const counted;
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
    co_await timer.async_wait(asio::use_awaitable);
    co_return text;
}

inline constexpr auto commands = mi::command_set(mi::command<"add">(mi::recipe<&add, "a", "b">),
                                                 mi::command<"fails">(mi::recipe<&fails>),
                                                 mi::command<"slow_echo">(mi::recipe<&slow_echo, "text", "ms">));
mi::dispatcher const dispatcher(commands);
using dispatcher_type = std::remove_cvref_t<decltype(dispatcher)>;

struct servers {
    std::string dir = [] {
        char name[] = "/tmp/mi_async_client_test_XXXXXX";
        BOOST_REQUIRE(::mkdtemp(name));
        return std::string(name);
    }();
    mi::transport::background loop{1};
    std::optional<mi::http::server<dispatcher_type>> http;
    std::optional<mi::fifo::server<dispatcher_type>> fifo;
    std::optional<mi::datagram::server<dispatcher_type>> udp, unix_socket;
    std::vector<std::pair<std::string, mi::client::connection>> connections;

    servers() {
        mi::http::options h;
        h.port = 0;
        http.emplace(loop.context(), dispatcher, h);
        http->start();
        mi::fifo::options f;
        f.path = dir + "/mi_fifo";
        f.reply_dir = dir + "/";
        fifo.emplace(loop.context(), dispatcher, f);
        fifo->start();
        mi::datagram::options u;
        u.socket = "udp:127.0.0.1:0";
        udp.emplace(loop.context(), dispatcher, u);
        udp->start();
        mi::datagram::options x;
        x.socket = dir + "/mi.sock";
        unix_socket.emplace(loop.context(), dispatcher, x);
        unix_socket->start();
        connections = {
            {"http", mi::client::connection(mi::client::http_options{
                         .url = "http://127.0.0.1:" + std::to_string(http->local_endpoint().port()) + "/mi", .timeout = 5s})},
            {"fifo", mi::client::connection(mi::client::fifo_options{.path = f.path, .reply_dir = dir, .timeout = 5s})},
            {"udp", mi::client::connection(mi::client::datagram_options{
                        .socket = "udp:127.0.0.1:" + std::to_string(udp->udp_endpoint().port()), .timeout = 5s})},
            {"unix", mi::client::connection(mi::client::datagram_options{.socket = x.socket, .timeout = 5s})}};
    }
    ~servers() {
        http.reset();
        fifo.reset();
        udp.reset();
        unix_socket.reset();
        loop.stop();
        std::filesystem::remove_all(dir);
    }
};

// Runs `body` as a coroutine on a fresh io_context on this thread, to its end; rethrows what it threw.
template <class Body>
void run(Body body) {
    asio::io_context io;
    std::exception_ptr thrown;
    asio::co_spawn(io, body(), [&](std::exception_ptr e) { thrown = e; });
    io.run();
    if (thrown) std::rethrow_exception(thrown);
}

} // namespace async_client_test

using namespace async_client_test;

BOOST_AUTO_TEST_CASE(every_transport_answers_an_awaited_call) {
    servers s;
    for (auto const& [name, connection] : s.connections) {
        auto const& c = connection; // clang 14 lets no lambda capture a structured binding
        BOOST_TEST_CONTEXT(name) {
            mi::remote<commands> const typed(c);
            run([&]() -> asio::awaitable<void> {
                std::string const raw =
                    co_await mi::client::async_raw(c, R"({"jsonrpc":"2.0","method":"add","params":[1,2],"id":7})");
                BOOST_TEST(raw == R"({"jsonrpc":"2.0","result":3,"id":7})");
                int const sum = co_await typed.async_call<"add">(20, 22);
                BOOST_TEST(sum == 42);
                std::string const echoed = co_await typed.async_call<"slow_echo">(mi::named<"text">("hi"), mi::named<"ms">(5));
                BOOST_TEST(echoed == "hi");
                auto const refused = co_await typed.async_try_call<"fails">();
                BOOST_REQUIRE(!refused);
                BOOST_TEST((refused.error() == mi::error(404, "Not Found", "no such key")));
                try {
                    co_await typed.async_call<"fails">();
                    BOOST_FAIL("no error");
                } catch (mi::error const& e) {
                    BOOST_TEST(e.data == "no such key");
                }
            });
        }
    }
}

BOOST_AUTO_TEST_CASE(fifty_calls_wait_at_once_on_one_thread) {
    servers s;
    for (auto const& [name, connection] : s.connections) {
        auto const& c = connection; // clang 14 lets no lambda capture a structured binding
        BOOST_TEST_CONTEXT(name) {
            mi::remote<commands> const typed(c);
            asio::io_context io;
            int answered = 0;
            most_in_flight = 0;
            for (int i = 0; i < 50; ++i)
                asio::co_spawn(
                    io,
                    [&, i]() -> asio::awaitable<void> {
                        std::string const text = co_await typed.async_call<"slow_echo">(std::to_string(i), 200);
                        if (text == std::to_string(i)) ++answered;
                    },
                    asio::detached);
            io.run();
            BOOST_TEST(answered == 50);
            BOOST_TEST(most_in_flight == 50); // one call at a time would have made it 1
        }
    }
}

BOOST_AUTO_TEST_CASE(a_daemon_that_never_answers_is_a_timeout) {
    int const silent = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::bind(silent, reinterpret_cast<sockaddr const*>(&a), sizeof a) == 0);
    socklen_t size = sizeof a;
    ::getsockname(silent, reinterpret_cast<sockaddr*>(&a), &size);
    mi::client::connection const c(mi::client::datagram_options{
        .socket = "udp:127.0.0.1:" + std::to_string(ntohs(a.sin_port)), .timeout = 100ms});
    std::string what;
    run([&]() -> asio::awaitable<void> {
        try {
            co_await mi::client::async_raw(c, R"({"jsonrpc":"2.0","method":"add","id":1})");
        } catch (mi::client::failure const& e) {
            what = e.what();
        }
    });
    BOOST_TEST(what.find("no reply from") != std::string::npos, what);
    ::close(silent);
}
