// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// Coroutine handlers (boost::asio::awaitable<T>): in-process through async_call, and over real HTTP, FIFO and UDP
// servers on 127.0.0.1 / a temp dir. Answers after a co_await, mi::error and other exceptions, cancellation at the
// caller's deadline (the frame destroyed: frames are counted), shutdown with frames suspended, two hundred at once
// on one io thread, and mi::coroutines_on.
#include <mi/coroutine.hpp>

#define BOOST_TEST_MODULE coroutine
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>
#include <mi/transport/client.hpp>
#include <mi/transport/datagram.hpp>
#include <mi/transport/fifo.hpp>
#include <mi/transport/http.hpp>
#include <mi/transport/thread.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace std::chrono_literals;
namespace asio = boost::asio;
using mi_test::error;
using mi_test::request;
using mi_test::result;

namespace {

// Coroutine frames alive now, and the most alive at once.
std::atomic<int> frames{0};
std::atomic<int> most_frames{0};
struct frame_count {
    frame_count() {
        int const now = ++frames;
        for (int most = most_frames; now > most && !most_frames.compare_exchange_weak(most, now);) {
        }
    }
    ~frame_count() { --frames; }
    frame_count(frame_count const&) = delete;
    frame_count& operator=(frame_count const&) = delete;
};

asio::awaitable<void> pause(std::chrono::milliseconds d) {
    asio::steady_timer timer(co_await asio::this_coro::executor, d);
    co_await timer.async_wait(asio::use_awaitable);
}

asio::awaitable<std::string> sleep_echo(std::string text, int ms) {
    frame_count counted;
    co_await pause(std::chrono::milliseconds(ms));
    co_return text;
}
asio::awaitable<int> refuse() {
    co_await pause(1ms);
    throw mi::error(-32010, "Refused", "after a co_await");
}
asio::awaitable<int> crash() {
    co_await pause(1ms);
    throw std::runtime_error("secret: /etc/shadow");
}
asio::awaitable<void> nothing() { co_await pause(1ms); }
asio::awaitable<mi::result<int>> checked(int x) {
    co_await pause(1ms);
    if (x < 0) co_return mi::error(-32011, "Negative");
    co_return x * 2;
}
asio::awaitable<void> forever() {
    frame_count counted;
    co_await pause(24h);
}
asio::awaitable<std::string> who(mi::context ctx) {
    co_await pause(1ms);
    co_return std::string(ctx.transport);
}
std::atomic<std::thread::id> other_thread;
asio::awaitable<bool> on_other_thread() {
    co_await pause(1ms);
    co_return std::this_thread::get_id() == other_thread.load();
}

constexpr auto commands = mi::command_set(
    mi::command<"sleep_echo">(mi::recipe<&sleep_echo, "text", "ms">), mi::command<"refuse">(mi::recipe<&refuse>),
    mi::command<"crash">(mi::recipe<&crash>), mi::command<"nothing">(mi::recipe<&nothing>),
    mi::command<"checked">(mi::recipe<&checked, "x">), mi::command<"forever">(mi::recipe<&forever>),
    mi::command<"who">(mi::recipe<&who>), mi::command<"on_other_thread">(mi::recipe<&on_other_thread>));

mi::dispatcher const dispatcher(commands);
using dispatcher_type = std::remove_cvref_t<decltype(dispatcher)>;

// Answers collected from async_call, from whichever thread gives them.
struct answers {
    std::mutex mutex;
    std::vector<mi::answer_kind> kinds;
    std::vector<std::string> texts;
    auto sink() {
        return [this](mi::answer const& a) {
            std::lock_guard lock(mutex);
            kinds.push_back(a.kind);
            texts.emplace_back(a.text);
        };
    }
    std::size_t size() {
        std::lock_guard lock(mutex);
        return texts.size();
    }
};

mi::context on(asio::any_io_executor const& executor, std::chrono::milliseconds within = 0ms) {
    mi::context ctx;
    ctx.executor = &executor;
    ctx.answer_within = within;
    return ctx;
}

// Waits, up to five seconds, for `done()`.
template <class Done>
bool eventually(Done done) {
    for (auto const until = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < until;) {
        if (done()) return true;
        std::this_thread::sleep_for(5ms);
    }
    return done();
}

} // namespace

BOOST_AUTO_TEST_CASE(a_coroutine_command_is_asynchronous_without_saying_so) {
    auto const* sleep_echo = dispatcher.schema().find("sleep_echo");
    BOOST_REQUIRE(sleep_echo);
    BOOST_TEST(sleep_echo->async);
    BOOST_REQUIRE(sleep_echo->recipes.size() == 1u);
    BOOST_TEST(boost::json::serialize(sleep_echo->recipes[0].result_schema()) == R"({"type":"string"})");
}

BOOST_AUTO_TEST_CASE(answers_are_what_the_coroutines_gave) {
    asio::io_context io;
    asio::any_io_executor const executor = io.get_executor();
    answers got;
    auto const ctx = on(executor);
    dispatcher.async_call(request("sleep_echo", R"(["hi", 20])"), ctx, got.sink());
    dispatcher.async_call(request("refuse"), ctx, got.sink());
    dispatcher.async_call(request("crash"), ctx, got.sink());
    dispatcher.async_call(request("nothing"), ctx, got.sink());
    dispatcher.async_call(request("checked", R"({"x":21})"), ctx, got.sink());
    dispatcher.async_call(request("checked", R"([-1])"), ctx, got.sink());
    dispatcher.async_call(request("who"), ctx, got.sink());
    BOOST_TEST(got.size() == 0u); // nothing runs before the executor does
    io.run();
    std::vector<std::string> sorted = got.texts;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::string> expected{result(R"("hi")"),
                                      error(-32010, "Refused", "after a co_await"),
                                      error(-32603, "Internal error"), // never what the exception said
                                      result(R"("OK")"),
                                      result("42"),
                                      error(-32011, "Negative"),
                                      result(R"("inproc")")};
    std::sort(expected.begin(), expected.end());
    BOOST_TEST(sorted == expected, boost::test_tools::per_element());
    BOOST_TEST(frames == 0);
}

BOOST_AUTO_TEST_CASE(a_batch_of_coroutines_is_answered_in_order) {
    asio::io_context io;
    asio::any_io_executor const executor = io.get_executor();
    answers got;
    dispatcher.async_call(R"([{"jsonrpc":"2.0","method":"sleep_echo","params":["slow",30],"id":1},)"
                          R"({"jsonrpc":"2.0","method":"sleep_echo","params":["fast",1],"id":2}])",
                          on(executor), got.sink());
    io.run();
    BOOST_REQUIRE(got.size() == 1u);
    BOOST_TEST(got.texts[0] == R"([{"jsonrpc":"2.0","result":"slow","id":1},{"jsonrpc":"2.0","result":"fast","id":2}])");
}

BOOST_AUTO_TEST_CASE(without_an_executor_or_a_later_answer_the_call_fails_at_once) {
    answers got;
    dispatcher.async_call(request("sleep_echo", R"(["hi", 1])"), mi::context{}, got.sink());
    BOOST_REQUIRE(got.size() == 1u);
    BOOST_TEST(got.texts[0] == error(-32603, "Internal error", "No executor to run the coroutine on"));
    BOOST_TEST(mi_test::answer(dispatcher, request("sleep_echo", R"(["hi", 1])")) ==
               error(-32000, "Server error", "Asynchronous command: this caller takes no later answer"));
    BOOST_TEST(frames == 0);
}

BOOST_AUTO_TEST_CASE(at_the_deadline_the_coroutine_is_cancelled_and_its_frame_destroyed) {
    asio::io_context io;
    asio::any_io_executor const executor = io.get_executor();
    answers got;
    dispatcher.async_call(request("forever"), on(executor, 50ms), got.sink());
    dispatcher.async_call(request("sleep_echo", R"(["in time", 1])"), on(executor, 5s), got.sink());
    io.run_for(20ms);
    BOOST_TEST(frames == 1);
    io.run(); // returns: the cancelled coroutine ended, and nothing else is pending
    BOOST_TEST(frames == 0);
    BOOST_REQUIRE(got.size() == 2u);
    BOOST_TEST(got.texts[0] == result(R"("in time")"));
    BOOST_TEST((got.kinds[1] == mi::answer_kind::failed)); // what a transport answers when its wait is over
}

BOOST_AUTO_TEST_CASE(shutting_down_destroys_the_suspended_frames) {
    answers got;
    {
        asio::io_context io;
        asio::any_io_executor const executor = io.get_executor();
        for (int i = 0; i < 5; ++i) dispatcher.async_call(request("forever"), on(executor), got.sink());
        io.run_for(20ms);
        BOOST_TEST(frames == 5);
    }
    BOOST_TEST(frames == 0);
    BOOST_REQUIRE(got.size() == 5u);
    for (auto kind : got.kinds) BOOST_TEST((kind == mi::answer_kind::failed));
}

BOOST_AUTO_TEST_CASE(two_hundred_wait_at_once_on_one_io_thread) {
    asio::io_context io;
    asio::any_io_executor const executor = io.get_executor();
    answers got;
    most_frames = 0;
    // the texts are numbers written as strings: "0" to "199"
    auto quoted = [](int i) { return std::string(1, '"').append(std::to_string(i)).append(1, '"'); };
    for (int i = 0; i < 200; ++i)
        dispatcher.async_call(request("sleep_echo", "[" + quoted(i) + ", 50]"), on(executor, 10s), got.sink());
    io.run();
    BOOST_TEST(most_frames == 200);
    BOOST_REQUIRE(got.size() == 200u);
    std::vector<std::string> sorted = got.texts, expected;
    for (int i = 0; i < 200; ++i) expected.push_back(result(quoted(i)));
    std::sort(sorted.begin(), sorted.end());
    std::sort(expected.begin(), expected.end());
    BOOST_TEST(sorted == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(coroutines_on_runs_them_on_the_executor_it_is_given) {
    mi::transport::background other;
    std::promise<void> known;
    asio::post(other.context(), [&] {
        other_thread = std::this_thread::get_id();
        known.set_value();
    });
    known.get_future().wait();
    asio::io_context io;
    asio::any_io_executor const executor = io.get_executor();
    mi::coroutines_on const elsewhere(dispatcher, other.context().get_executor());
    answers got;
    elsewhere.async_call(request("on_other_thread"), on(executor), got.sink());
    dispatcher.async_call(request("on_other_thread"), on(executor), got.sink());
    io.run();
    BOOST_TEST(eventually([&] { return got.size() == 2u; }));
    std::lock_guard lock(got.mutex);
    BOOST_TEST((std::count(got.texts.begin(), got.texts.end(), result("true")) == 1));
    BOOST_TEST((std::count(got.texts.begin(), got.texts.end(), result("false")) == 1));
}

// --- over the transports ---------------------------------------------------------------------------------------

namespace {

struct temp_dir {
    std::string path;
    temp_dir() {
        char name[] = "/tmp/mi_coroutine_test_XXXXXX";
        BOOST_REQUIRE(::mkdtemp(name));
        path = name;
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

// One io thread serves all three; the loop is declared first, so that the servers stop while it still runs.
struct servers {
    temp_dir dir;
    std::optional<mi::transport::background> loop{std::in_place, 1};
    std::optional<mi::http::server<dispatcher_type>> http;
    std::optional<mi::fifo::server<dispatcher_type>> fifo;
    std::optional<mi::datagram::server<dispatcher_type>> udp;
    mi::client::http_options http_client;
    mi::client::fifo_options fifo_client;
    mi::client::datagram_options udp_client;

    explicit servers(std::chrono::milliseconds async_timeout = 2s) {
        mi::http::options h;
        h.port = 0;
        h.async_timeout = async_timeout;
        http.emplace(loop->context(), dispatcher, h);
        http->start();
        http_client = {.url = "http://127.0.0.1:" + std::to_string(http->local_endpoint().port()) + "/mi", .timeout = 5s};
        mi::fifo::options f;
        f.path = dir.path + "/mi_fifo";
        f.reply_dir = dir.path + "/";
        f.async_timeout = async_timeout;
        fifo.emplace(loop->context(), dispatcher, f);
        fifo->start();
        fifo_client = {.path = f.path, .reply_dir = dir.path, .timeout = 5s};
        mi::datagram::options d;
        d.socket = "udp:127.0.0.1:0";
        d.async_timeout = async_timeout;
        udp.emplace(loop->context(), dispatcher, d);
        udp->start();
        udp_client = {.socket = "udp:127.0.0.1:" + std::to_string(udp->udp_endpoint().port()), .timeout = 5s};
    }
    ~servers() {
        http.reset();
        fifo.reset();
        udp.reset();
        loop.reset();
    }

    // Each transport's client, by the name handlers see in mi::context::transport.
    std::vector<std::pair<std::string, mi::client::connection>> connections() const {
        return {{"http", mi::client::connection(http_client)},
                {"fifo", mi::client::connection(fifo_client)},
                {"datagram", mi::client::connection(udp_client)}};
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(every_transport_answers_with_the_coroutines_answers) {
    servers s;
    for (auto const& [transport, c] : s.connections()) {
        BOOST_TEST_CONTEXT(transport) {
            BOOST_TEST(c.call("sleep_echo", boost::json::parse(R"(["after a timer", 30])")) == boost::json::value("after a timer"));
            BOOST_TEST(c.call("who") == boost::json::value(transport));
            try {
                c.call("refuse");
                BOOST_FAIL("no error");
            } catch (mi::error const& e) {
                BOOST_TEST(e.code == -32010);
                BOOST_TEST(e.message == "Refused");
                BOOST_TEST(e.data == "after a co_await");
            }
            try {
                c.call("crash");
                BOOST_FAIL("no error");
            } catch (mi::error const& e) {
                BOOST_TEST(e.code == -32603);
                BOOST_TEST(e.data.empty());
            }
        }
    }
    BOOST_TEST(frames == 0);
}

BOOST_AUTO_TEST_CASE(every_transport_cancels_a_coroutine_at_its_async_timeout) {
    servers s(200ms);
    // What each transport says when the time is up (as for any asynchronous command): HTTP 500, the FIFO's and the
    // datagram transport's failure texts, which are no JSON-RPC.
    std::vector<std::pair<std::string, std::string>> const failures{
        {"http", "answered HTTP 500"}, {"fifo", "failed to build response"}, {"datagram", "500 Internal error"}};
    auto const connections = s.connections();
    for (std::size_t i = 0; i < connections.size(); ++i) {
        auto const& [transport, c] = connections[i];
        BOOST_TEST_CONTEXT(transport) {
            try {
                c.call("forever");
                BOOST_FAIL("answered");
            } catch (mi::client::failure const& e) {
                BOOST_TEST(std::string_view(e.what()).find(failures[i].second) != std::string_view::npos, e.what());
            }
            BOOST_TEST(eventually([] { return frames == 0; })); // cancelled, its frame gone
            BOOST_TEST(c.call("sleep_echo", boost::json::parse(R"(["still", 1])")) == boost::json::value("still"));
        }
    }
}

BOOST_AUTO_TEST_CASE(stopping_the_servers_with_coroutines_suspended_leaks_nothing) {
    {
        servers s(60s);
        // Requests sent without waiting for their answers: three over UDP, one over HTTP.
        int const fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        BOOST_REQUIRE(fd >= 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(s.udp->udp_endpoint().port());
        std::string const forever = request("forever");
        for (int i = 0; i < 3; ++i)
            ::sendto(fd, forever.data(), forever.size(), 0, reinterpret_cast<sockaddr const*>(&to), sizeof to);
        std::jthread http_caller([&] {
            try {
                mi::client::connection(s.http_client).call("forever");
            } catch (...) {
            }
        });
        BOOST_TEST(eventually([] { return frames == 4; }));
        s.http.reset(); // closes the HTTP connection: the caller returns
        http_caller.join();
        s.udp.reset();
        s.fifo.reset();
        s.loop.reset(); // the io_context goes, and with it the suspended frames
        BOOST_TEST(frames == 0);
        ::close(fd);
    }
    BOOST_TEST(frames == 0);
}
