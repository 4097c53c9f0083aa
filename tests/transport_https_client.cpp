// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The client over https:// and with credentials: an mi::https::server on 127.0.0.1 with a certificate the openssl
// tool makes for this run, called through mi::client::connection and mi::remote; the certificate verified against
// a CA file, refused without it, accepted unverified only when asked; Basic users and bearer tokens, right, wrong,
// read-only against an admin command; no credential in any error message.
#include <mi/transport/https_client.hpp>

#define BOOST_TEST_MODULE transport_https_client
#include <boost/test/unit_test.hpp>

#include "certificate.hpp"

#include <mi/mi.hpp>
#include <mi/remote.hpp>
#include <mi/transport/http.hpp>
#include <mi/transport/https.hpp>
#include <mi/transport/thread.hpp>

#include <chrono>
#include <string>

using namespace std::chrono_literals;
namespace ssl = boost::asio::ssl;

namespace https_client_test {

int twice(int x) { return 2 * x; }
int peek() { return 7; }
inline constexpr auto commands = mi::command_set(mi::command<"twice">(mi::recipe<&twice, "x">),
                                                 mi::command<"peek">(mi::needs_read, mi::recipe<&peek>));
mi::dispatcher const dispatcher(commands);

// The server's certificate, and another that did not sign it.
mi_test::certificate const& made() {
    static mi_test::certificate const c;
    return c;
}
mi_test::certificate const& other() {
    static mi_test::certificate const c;
    return c;
}

struct served {
    ssl::context tls{ssl::context::tls_server};
    mi::transport::background loop;
    std::optional<mi::https::server<std::remove_cvref_t<decltype(dispatcher)>>> server;

    explicit served(mi::http::access access = {}) {
        tls.use_certificate_chain_file(made().cert);
        tls.use_private_key_file(made().key, ssl::context::pem);
        mi::http::options o;
        o.port = 0;
        o.access = std::move(access);
        server.emplace(loop.context(), tls, dispatcher, o);
        server->start();
    }
    std::string url(std::string_view userinfo = {}) const {
        return "https://" + std::string(userinfo) + "127.0.0.1:" + std::to_string(server->local_endpoint().port()) + "/mi";
    }
    mi::client::http_options options() const {
        return {.url = url(), .timeout = 5s, .ca_file = made().cert};
    }
};

// What a failing call says.
template <class Call>
std::string failure_of(Call call) {
    try {
        call();
    } catch (mi::client::failure const& e) {
        return e.what();
    }
    BOOST_FAIL("the call did not fail");
    return {};
}

mi::http::access users_and_tokens() {
    mi::http::access a;
    a.users.push_back({"admin", "s3cret-pass", mi::permission::admin});
    a.users.push_back({"viewer", "v1ew-pass", mi::permission::read});
    a.tokens.emplace_back("admin-token-123", mi::permission::admin);
    a.tokens.emplace_back("read-token-456", mi::permission::read);
    return a;
}

} // namespace https_client_test

using namespace https_client_test;

BOOST_AUTO_TEST_CASE(https_with_the_ca_file_verifies_the_server) {
    served s;
    mi::client::connection const c(s.options());
    BOOST_TEST(c.call("twice", boost::json::parse("[21]")) == boost::json::value(42));
    mi::remote<commands> const typed(c);
    BOOST_TEST(int(typed.call<"twice">(4)) == 8);
}

BOOST_AUTO_TEST_CASE(a_certificate_no_trusted_ca_signed_is_refused_unless_verification_is_off) {
    served s;
    auto o = s.options();
    o.ca_file = other().cert;
    std::string const refused = failure_of([&] { mi::client::connection(o).call("peek"); });
    BOOST_TEST(refused.find("certificate verify failed") != std::string::npos, refused);
    o.ca_file.clear(); // the system's CAs know nothing of it either
    BOOST_TEST(failure_of([&] { mi::client::connection(o).call("peek"); }).find("certificate verify failed") !=
               std::string::npos);
    o.verify_certificate = false;
    BOOST_TEST(mi::client::connection(o).call("peek") == boost::json::value(7));
}

BOOST_AUTO_TEST_CASE(plain_http_to_a_tls_server_and_tls_to_nothing_fail) {
    served s;
    auto o = s.options();
    o.url = "http://127.0.0.1:" + std::to_string(s.server->local_endpoint().port()) + "/mi";
    BOOST_CHECK_THROW(mi::client::connection(o).call("peek"), mi::client::failure);
    o.url = "https://127.0.0.1:1/mi";
    BOOST_CHECK_THROW(mi::client::connection(o).call("peek"), mi::client::failure);
}

BOOST_AUTO_TEST_CASE(basic_credentials_and_bearer_tokens) {
    served s(users_and_tokens());
    auto o = s.options();
    // none
    BOOST_TEST(failure_of([&] { mi::client::connection(o).call("peek"); }).find("answered HTTP 401") != std::string::npos);
    // Basic, right
    o.user = "admin";
    o.password = "s3cret-pass";
    BOOST_TEST(mi::client::connection(o).call("twice", boost::json::parse("[2]")) == boost::json::value(4));
    // Basic, wrong: the message says 401, and nothing of what was sent
    o.password = "wrong-pass";
    std::string const wrong = failure_of([&] { mi::client::connection(o).call("peek"); });
    BOOST_TEST(wrong.find("401") != std::string::npos);
    BOOST_TEST(wrong.find("wrong-pass") == std::string::npos);
    BOOST_TEST(wrong.find("admin") == std::string::npos);
    // Basic in the URL; the URL in a message has no credentials
    auto in_url = s.options();
    in_url.url = s.url("admin:s3cret-pass@");
    BOOST_TEST(mi::client::connection(in_url).call("peek") == boost::json::value(7));
    in_url.url = s.url("admin:bad-url-pass@");
    std::string const shown = failure_of([&] { mi::client::connection(in_url).call("peek"); });
    BOOST_TEST(shown.find("bad-url-pass") == std::string::npos, shown);
    BOOST_TEST(shown.find("https://127.0.0.1:") != std::string::npos, shown);
    // read-only: reading works, an admin command is refused by the dispatcher (-32003)
    o.user = "viewer";
    o.password = "v1ew-pass";
    BOOST_TEST(mi::client::connection(o).call("peek") == boost::json::value(7));
    try {
        mi::remote<commands>(mi::client::connection(o)).call<"twice">(1);
        BOOST_FAIL("an admin command ran for a reader");
    } catch (mi::error const& e) {
        BOOST_TEST(e.code == -32003);
    }
    // bearer tokens
    auto t = s.options();
    t.token = "admin-token-123";
    BOOST_TEST(mi::client::connection(t).call("twice", boost::json::parse("[3]")) == boost::json::value(6));
    t.token = "read-token-456";
    BOOST_CHECK_THROW(mi::client::connection(t).call("twice", boost::json::parse("[3]")), mi::error);
    t.token = "not-a-token-789";
    std::string const bad_token = failure_of([&] { mi::client::connection(t).call("peek"); });
    BOOST_TEST(bad_token.find("not-a-token-789") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(credentials_go_over_plain_http_too) {
    mi::transport::background loop;
    mi::http::options o;
    o.port = 0;
    o.access = users_and_tokens();
    mi::http::server<std::remove_cvref_t<decltype(dispatcher)>> http(loop.context(), dispatcher, o);
    http.start();
    mi::client::http_options c{.url = "http://127.0.0.1:" + std::to_string(http.local_endpoint().port()) + "/mi",
                               .timeout = 5s,
                               .token = "admin-token-123"};
    BOOST_TEST(mi::client::connection(c).call("peek") == boost::json::value(7));
}
