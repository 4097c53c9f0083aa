// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The HTTP transport over TLS: a certificate made by the openssl tool for this run, a server on 127.0.0.1 and
// clients that verify it (or do not speak TLS at all), every wait bounded.
#include <mi/transport/https.hpp>

#define BOOST_TEST_MODULE transport_https
#include <boost/test/unit_test.hpp>

#include "certificate.hpp"
#include "support.hpp"

#include <mi/mi.hpp>
#include <mi/transport/thread.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <optional>
#include <string>

using namespace std::chrono_literals;
using tcp = boost::asio::ip::tcp;
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace http = boost::beast::http;
using mi_test::error;
using mi_test::request;
using mi_test::result;

namespace {

int twice(int x) { return 2 * x; }
int peek() { return 7; }

constexpr auto commands = mi::command_set(mi::command<"twice">(mi::recipe<&twice, "x">),
                                          mi::command<"peek">(mi::needs_read, mi::recipe<&peek>));
mi::dispatcher const dispatcher(commands);

using mi_test::certificate;

certificate const& made() {
    static certificate const c;
    return c;
}

ssl::context server_context() {
    ssl::context tls(ssl::context::tls_server);
    tls.set_options(ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_sslv2 | ssl::context::no_sslv3);
    tls.use_certificate_chain_file(made().cert);
    tls.use_private_key_file(made().key, ssl::context::pem);
    return tls;
}

using server_type = mi::https::server<std::remove_cvref_t<decltype(dispatcher)>>;

struct served {
    ssl::context tls = server_context();
    mi::transport::background loop;
    server_type server;

    explicit served(mi::http::options o = {}) : server(loop.context(), tls, dispatcher, with_test_port(std::move(o))) {
        server.start();
    }
    static mi::http::options with_test_port(mi::http::options o) {
        o.port = 0;
        o.read_timeout = 500ms;
        return o;
    }
    tcp::endpoint endpoint() const { return server.local_endpoint(); }
};

// Runs one asynchronous operation on `io` for at most 5 s; timed_out if it did not finish.
template <class Start>
boost::system::error_code bounded(asio::io_context& io, Start start) {
    io.restart();
    boost::system::error_code result = asio::error::timed_out;
    bool finished = false;
    start([&](boost::system::error_code ec, auto&&...) {
        result = ec;
        finished = true;
    });
    io.run_for(5s);
    if (!finished) {
        io.stop();
        return asio::error::timed_out;
    }
    return result;
}

// A client that verifies the server against the test certificate, as curl --cacert does.
struct tls_client {
    asio::io_context io;
    ssl::context tls{ssl::context::tls_client};
    ssl::stream<tcp::socket> stream{io, tls};
    boost::beast::flat_buffer buffer;

    explicit tls_client(tcp::endpoint const& to) {
        tls.load_verify_file(made().cert);
        stream.set_verify_mode(ssl::verify_peer);
        stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
        BOOST_REQUIRE(!bounded(io, [&](auto done) { stream.lowest_layer().async_connect(to, done); }));
    }
    boost::system::error_code handshake() {
        return bounded(io, [&](auto done) { stream.async_handshake(ssl::stream_base::client, done); });
    }
    // The response to `body` POSTed to /mi with `headers`; nullopt when there is none.
    std::optional<http::response<http::string_body>> post(std::string const& body, std::string const& headers = {}) {
        std::string const bytes = "POST /mi HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
                                  headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        if (bounded(io, [&](auto done) { asio::async_write(stream, asio::buffer(bytes), done); })) return std::nullopt;
        http::response<http::string_body> r;
        if (bounded(io, [&](auto done) { http::async_read(stream, buffer, r, done); })) return std::nullopt;
        return r;
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(json_rpc_over_tls_with_a_verified_certificate) {
    served s;
    tls_client c(s.endpoint());
    BOOST_REQUIRE(!c.handshake());
    for (int i = 1; i <= 3; ++i) { // kept alive
        auto const r = c.post(request("twice", "[" + std::to_string(i) + "]"));
        BOOST_REQUIRE(r);
        BOOST_TEST(r->result_int() == 200);
        BOOST_TEST(r->body() == result(std::to_string(2 * i)));
    }
}

BOOST_AUTO_TEST_CASE(credentials_and_their_permissions_work_as_over_plain_http) {
    mi::http::options o;
    o.access.users = {{"viewer", "x", mi::permission::read}};
    served s(o);
    tls_client c(s.endpoint());
    BOOST_REQUIRE(!c.handshake());
    BOOST_TEST(c.post(request("peek"))->result_int() == 401);
    BOOST_TEST(c.post(request("peek"), "Authorization: Basic dmlld2VyOng=\r\n")->body() == result("7"));
    BOOST_TEST(c.post(request("twice", "[1]"), "Authorization: Basic dmlld2VyOng=\r\n")->body() ==
               error(-32003, "Permission denied", "twice called so needs the 'admin' permission; this caller has 'read'"));
}

BOOST_AUTO_TEST_CASE(a_client_that_does_not_speak_tls_is_closed_and_others_are_served) {
    served s;
    {
        asio::io_context io;
        tcp::socket plain(io);
        BOOST_REQUIRE(!bounded(io, [&](auto done) { plain.async_connect(s.endpoint(), done); }));
        std::string const bytes = "POST /mi HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}";
        BOOST_REQUIRE(!bounded(io, [&](auto done) { asio::async_write(plain, asio::buffer(bytes), done); }));
        char reply[256];
        auto const ec = bounded(io, [&](auto done) { asio::async_read(plain, asio::buffer(reply), done); });
        BOOST_TEST((ec == asio::error::eof || ec == asio::error::connection_reset), ec.message());
    }
    tls_client c(s.endpoint());
    BOOST_REQUIRE(!c.handshake());
    BOOST_TEST(c.post(request("twice", "[4]"))->body() == result("8"));
}

BOOST_AUTO_TEST_CASE(a_client_that_never_says_hello_is_closed_after_the_read_timeout) {
    served s; // read_timeout 500 ms
    asio::io_context io;
    tcp::socket silent(io);
    BOOST_REQUIRE(!bounded(io, [&](auto done) { silent.async_connect(s.endpoint(), done); }));
    auto const start = std::chrono::steady_clock::now();
    char byte;
    auto const ec = bounded(io, [&](auto done) { silent.async_read_some(asio::buffer(&byte, 1), done); });
    BOOST_TEST((ec == asio::error::eof || ec == asio::error::connection_reset), ec.message());
    auto const waited = std::chrono::steady_clock::now() - start;
    BOOST_TEST((waited >= 400ms && waited < 3s));
}

BOOST_AUTO_TEST_CASE(a_client_that_does_not_trust_the_certificate_is_refused_by_its_own_check) {
    served s;
    asio::io_context io;
    ssl::context trusting_nothing(ssl::context::tls_client);
    ssl::stream<tcp::socket> stream(io, trusting_nothing);
    stream.set_verify_mode(ssl::verify_peer);
    BOOST_REQUIRE(!bounded(io, [&](auto done) { stream.lowest_layer().async_connect(s.endpoint(), done); }));
    BOOST_TEST(bounded(io, [&](auto done) { stream.async_handshake(ssl::stream_base::client, done); }).failed());
    tls_client c(s.endpoint()); // and the server is none the worse for it
    BOOST_REQUIRE(!c.handshake());
    BOOST_TEST(c.post(request("twice", "[5]"))->body() == result("10"));
}
