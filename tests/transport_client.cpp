// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The blocking client of <mi/transport/client.hpp> against mi's own servers, started by each test on 127.0.0.1 (port 0)
// or in a directory of its own: HTTP, FIFO, UDP and UNIX datagrams; results, errors thrown as mi::error, and
// transport failures thrown as mi::client::failure. A fake UDP peer gives the replies no mi server sends.
#include <mi/transport/client.hpp>

#define BOOST_TEST_MODULE transport_client
#include <boost/test/unit_test.hpp>

#include <mi/mi.hpp>
#include <mi/transport/datagram.hpp>
#include <mi/transport/fifo.hpp>
#include <mi/transport/http.hpp>
#include <mi/transport/thread.hpp>

#include <boost/json/parse.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace std::chrono_literals;

namespace {

std::string echo(std::string text) { return text; }
void nothing() {}
mi::result<int> fails() { return mi::error(404, "Not Found", "no such key"); }
std::string who(mi::context const& ctx) { return std::string(ctx.transport); }
int add(int a, int b) { return a + b; }

constexpr auto commands = mi::command_set(
    mi::command<"echo">(mi::recipe<&echo, "text">), mi::command<"nothing">(mi::recipe<&nothing>),
    mi::command<"fails">(mi::recipe<&fails>), mi::command<"who">(mi::recipe<&who>),
    mi::command<"add">(mi::recipe<&add, "a", "b">));

mi::dispatcher const dispatcher(commands);
using dispatcher_type = std::remove_cvref_t<decltype(dispatcher)>;

struct temp_dir {
    std::string path;
    temp_dir() {
        char name[] = "/tmp/mi_client_test_XXXXXX";
        BOOST_REQUIRE(::mkdtemp(name));
        path = name;
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

// The loop is declared first, so that the servers stop while it still runs.
struct servers {
    temp_dir dir;
    mi::transport::background loop{2};
    std::optional<mi::http::server<dispatcher_type>> http;
    std::optional<mi::fifo::server<dispatcher_type>> fifo;
    std::optional<mi::datagram::server<dispatcher_type>> udp;
    std::optional<mi::datagram::server<dispatcher_type>> unix_socket;

    ~servers() {
        http.reset();
        fifo.reset();
        udp.reset();
        unix_socket.reset();
        loop.stop();
    }

    mi::client::http_options start_http() {
        mi::http::options o;
        o.port = 0;
        http.emplace(loop.context(), dispatcher, o);
        http->start();
        return {.url = "http://127.0.0.1:" + std::to_string(http->local_endpoint().port()) + "/mi", .timeout = 5s};
    }
    mi::client::fifo_options start_fifo() {
        mi::fifo::options o;
        o.path = dir.path + "/mi_fifo";
        o.reply_dir = dir.path + "/";
        fifo.emplace(loop.context(), dispatcher, o);
        fifo->start();
        return {.path = o.path, .reply_dir = dir.path, .timeout = 5s};
    }
    mi::client::datagram_options start_udp() {
        mi::datagram::options o;
        o.socket = "udp:127.0.0.1:0";
        udp.emplace(loop.context(), dispatcher, o);
        udp->start();
        return {.socket = "udp:127.0.0.1:" + std::to_string(udp->udp_endpoint().port()), .timeout = 5s};
    }
    mi::client::datagram_options start_unix() {
        mi::datagram::options o;
        o.socket = dir.path + "/mi.sock";
        unix_socket.emplace(loop.context(), dispatcher, o);
        unix_socket->start();
        return {.socket = o.socket, .timeout = 5s};
    }
};

// A UDP peer that answers one datagram with `reply`, whatever it was sent.
class fake_peer {
public:
    explicit fake_peer(std::string reply) : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
        BOOST_REQUIRE(fd_ >= 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        BOOST_REQUIRE(::bind(fd_, reinterpret_cast<sockaddr const*>(&a), sizeof a) == 0);
        socklen_t size = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &size);
        port_ = ntohs(a.sin_port);
        timeval tv{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        thread_ = std::jthread([this, reply = std::move(reply)] {
            char buffer[65536];
            sockaddr_storage from{};
            socklen_t from_size = sizeof from;
            ssize_t const n = ::recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &from_size);
            if (n < 0) return;
            received_.assign(buffer, static_cast<std::size_t>(n));
            ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr const*>(&from), from_size);
        });
    }
    fake_peer(fake_peer const&) = delete;
    fake_peer& operator=(fake_peer const&) = delete;
    ~fake_peer() {
        if (thread_.joinable()) thread_.join();
        ::close(fd_);
    }

    mi::client::datagram_options options() const {
        return {.socket = "udp:127.0.0.1:" + std::to_string(port_), .timeout = 5s};
    }
    // What it was sent, once it has answered.
    std::string received() {
        thread_.join();
        return received_;
    }

private:
    int fd_;
    unsigned short port_ = 0;
    std::string received_;
    std::jthread thread_;
};

// A local port nobody listens on (TCP or UDP) for as long as the test runs, most likely.
unsigned short closed_port() {
    int const fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr const*>(&a), sizeof a);
    socklen_t size = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size);
    ::close(fd);
    return ntohs(a.sin_port);
}

bool failure_saying(mi::client::failure const& f, std::string_view text) {
    return std::string_view(f.what()).find(text) != std::string_view::npos;
}

// Every call of every test goes through these: the result of `method` over `target`, or the mi::error thrown.
void check_calls(mi::client::connection const& c, std::string_view transport) {
    BOOST_TEST(c.call("echo", boost::json::object{{"text", "hello"}}) == "hello");
    BOOST_TEST(c.call("echo", boost::json::array{"positional"}) == "positional");
    BOOST_TEST(c.call("add", boost::json::array{2, 3}) == 5);
    BOOST_TEST(c.call("nothing") == "OK"); // no params are sent as {}
    BOOST_TEST(c.call("who") == boost::json::value(transport));
    BOOST_CHECK_EXCEPTION(c.call("fails"), mi::error, [](mi::error const& e) {
        return e == mi::error(404, "Not Found", "no such key");
    });
    BOOST_CHECK_EXCEPTION(c.call("nope"), mi::error, [](mi::error const& e) {
        return e == mi::error(mi::errc::method_not_found);
    });
    BOOST_CHECK_EXCEPTION(c.call("add", boost::json::array{1}), mi::error,
                          [](mi::error const& e) { return e.code == -32602 && e.message == "Invalid params"; });
}

constexpr std::string_view echo_request = R"({"jsonrpc":"2.0","method":"echo","params":["raw"],"id":9})";
constexpr std::string_view echo_reply = R"({"jsonrpc":"2.0","result":"raw","id":9})";
constexpr std::string_view notification = R"({"jsonrpc":"2.0","method":"nothing"})";

} // namespace

BOOST_FIXTURE_TEST_SUITE(against_mi_servers, servers)

BOOST_AUTO_TEST_CASE(over_http) {
    auto const o = start_http();
    check_calls(mi::client::connection(o), "http");
    BOOST_TEST(mi::client::http_call(o, echo_request) == echo_reply);
    BOOST_TEST(mi::client::http_call(o, notification).empty()); // 202
    BOOST_TEST(mi::client::connection(o).raw(echo_request) == echo_reply);
}

BOOST_AUTO_TEST_CASE(over_http_a_status_other_than_200_is_a_failure) {
    auto o = start_http();
    o.url = "http://127.0.0.1:" + std::to_string(http->local_endpoint().port()) + "/elsewhere";
    BOOST_CHECK_EXCEPTION(mi::client::http_call(o, echo_request), mi::client::failure,
                          [](auto const& f) { return failure_saying(f, "answered HTTP 400"); });
}

BOOST_AUTO_TEST_CASE(over_a_fifo) {
    auto const o = start_fifo();
    check_calls(mi::client::connection(o), "fifo");
    BOOST_TEST(mi::client::fifo_call(o, echo_request) == echo_reply);
    BOOST_TEST(mi::client::fifo_call(o, notification).empty()); // the reply FIFO opened and closed empty
    // the client's reply FIFOs are gone once answered
    std::size_t files = 0;
    for (auto const& entry : std::filesystem::directory_iterator(dir.path)) files += entry.path().filename() != "mi_fifo";
    BOOST_TEST(files == 0u);
}

BOOST_AUTO_TEST_CASE(over_udp) {
    auto const o = start_udp();
    check_calls(mi::client::connection(o), "datagram");
    BOOST_TEST(mi::client::datagram_call(o, echo_request) == echo_reply);
}

BOOST_AUTO_TEST_CASE(over_a_unix_datagram_socket) {
    auto const o = start_unix();
    check_calls(mi::client::connection(o), "datagram");
    BOOST_TEST(mi::client::datagram_call(o, echo_request) == echo_reply);
}

BOOST_AUTO_TEST_CASE(the_request_is_what_python_opensips_sends) {
    fake_peer peer(R"({"jsonrpc":"2.0","result":1,"id":"1"})");
    BOOST_TEST(mi::client::connection(peer.options()).call("get_statistics", boost::json::array{"core:"}) == 1);
    auto const sent = boost::json::parse(peer.received()).as_object();
    BOOST_TEST(sent.at("jsonrpc") == "2.0");
    BOOST_TEST(sent.at("method") == "get_statistics");
    BOOST_TEST(sent.at("params") == boost::json::parse(R"(["core:"])"));
    BOOST_TEST(sent.at("id").is_string()); // a random number, as text
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(failures)

BOOST_AUTO_TEST_CASE(nothing_listening) {
    auto const port = std::to_string(closed_port());
    BOOST_CHECK_THROW(mi::client::http_call({.url = "http://127.0.0.1:" + port + "/mi", .timeout = 2s}, echo_request),
                      mi::client::failure);
    BOOST_CHECK_EXCEPTION(mi::client::datagram_call({.socket = "udp:127.0.0.1:" + port, .timeout = 100ms}, echo_request),
                          mi::client::failure, [](auto const& f) { return failure_saying(f, "in time"); });
    temp_dir dir;
    BOOST_CHECK_EXCEPTION(mi::client::fifo_call({.path = dir.path + "/none", .reply_dir = dir.path}, echo_request),
                          mi::client::failure, [](auto const& f) { return failure_saying(f, "does not exist"); });
    BOOST_CHECK_THROW(mi::client::datagram_call({.socket = dir.path + "/none.sock", .timeout = 100ms}, echo_request),
                      mi::client::failure);
}

BOOST_AUTO_TEST_CASE(targets_it_cannot_use) {
    // https:// is <mi/transport/https_client.hpp>'s, which this program does not include
    BOOST_CHECK_EXCEPTION(mi::client::http_call({.url = "https://127.0.0.1/mi"}, echo_request), mi::client::failure,
                          [](auto const& f) { return failure_saying(f, "https:// needs #include <mi/transport/https_client.hpp>"); });
    BOOST_CHECK_EXCEPTION(mi::client::http_call({.url = "ftp://127.0.0.1/mi"}, echo_request), mi::client::failure,
                          [](auto const& f) { return failure_saying(f, "expected an http:// or https:// URL"); });
    BOOST_CHECK_EXCEPTION(mi::client::datagram_call({.socket = "udp:127.0.0.1"}, echo_request), mi::client::failure,
                          [](auto const& f) { return failure_saying(f, "expected udp:HOST:PORT"); });
    BOOST_CHECK_EXCEPTION(mi::client::datagram_call({.socket = "/" + std::string(200, 'x')}, echo_request),
                          mi::client::failure, [](auto const& f) { return failure_saying(f, "too long"); });
}

BOOST_AUTO_TEST_CASE(a_reply_that_is_not_json_rpc) {
    {
        fake_peer peer("500 Internal error");
        BOOST_CHECK_EXCEPTION(mi::client::connection(peer.options()).call("x"), mi::client::failure,
                              [](auto const& f) { return failure_saying(f, "the reply is not JSON: 500 Internal error"); });
    }
    {
        fake_peer peer(R"({"jsonrpc":"2.0","id":"1"})"); // neither result nor error: python-opensips' -32603
        BOOST_CHECK_EXCEPTION(mi::client::connection(peer.options()).call("x"), mi::error,
                              [](mi::error const& e) { return e == mi::error(-32603, "Internal error"); });
    }
    {
        fake_peer peer(R"({"jsonrpc":"2.0","error":{"code":"x","message":"odd"},"id":"1"})"); // no number: 500
        BOOST_CHECK_EXCEPTION(mi::client::connection(peer.options()).call("x"), mi::error,
                              [](mi::error const& e) { return e == mi::error(500, "odd"); });
    }
}

BOOST_AUTO_TEST_SUITE_END()
