// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The HTTP transport (spec 6.3): routing decided without sockets, then a server on 127.0.0.1 (ephemeral port)
// driven by raw HTTP bytes from clients with their own io_context, every wait bounded.
#include <mi/transport/http.hpp>

#define BOOST_TEST_MODULE transport_http
#include <boost/test/unit_test.hpp>

#include "support.hpp"

#include <mi/mi.hpp>
#include <mi/transport/thread.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using tcp = boost::asio::ip::tcp;
namespace asio = boost::asio;
namespace http = boost::beast::http;
using mi_test::error;
using mi_test::request;
using mi_test::result;

namespace {

// --- the commands ---------------------------------------------------------------------------------------------

// Worker threads of asynchronous commands; joined by each test that starts them.
std::mutex workers_mutex;
std::vector<std::jthread> workers;

void join_workers() {
    std::vector<std::jthread> done;
    {
        std::lock_guard lock(workers_mutex);
        done.swap(workers);
    }
} // the jthreads join here

// Replies held by the `gated` command until a test releases them.
struct held_replies {
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::pair<mi::async_reply, std::string>> replies;

    void hold(mi::async_reply reply, std::string value) {
        std::lock_guard lock(mutex);
        replies.emplace_back(std::move(reply), std::move(value));
        changed.notify_all();
    }
    // The oldest held reply, once there is one (at most 5 s).
    std::pair<mi::async_reply, std::string> take() {
        std::unique_lock lock(mutex);
        BOOST_REQUIRE(changed.wait_for(lock, 5s, [&] { return !replies.empty(); }));
        auto r = std::move(replies.front());
        replies.erase(replies.begin());
        return r;
    }
    void release(std::pair<mi::async_reply, std::string> const& r) { r.first.finish(r.second); }
    void drop_all() {
        std::vector<std::pair<mi::async_reply, std::string>> gone;
        std::lock_guard lock(mutex);
        gone.swap(replies);
    }
} gate;

int twice(int x) { return 2 * x; }
std::string whoami(mi::context const& ctx) { return std::string(ctx.transport) + ' ' + std::string(ctx.peer); }
int throwing() { throw std::runtime_error("a secret path"); }

mi::async_result<std::string> sleepy(mi::async_reply reply, int ms) {
    if (!reply) return std::string("at once");
    std::lock_guard lock(workers_mutex);
    workers.emplace_back([reply, ms] {
        reply.provisional("working");
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        reply.finish("slept");
    });
    return mi::answer_later;
}

mi::async_result<std::string> gated(mi::async_reply reply, std::string value) {
    gate.hold(std::move(reply), std::move(value));
    return mi::answer_later;
}

mi::async_result<int> forgetful(mi::async_reply) { return mi::answer_later; }

// What the `halt` command does: stop the server that runs it, from inside its own dispatch.
std::mutex halt_mutex;
std::function<void()> on_halt;

void set_halt(std::function<void()> f) {
    std::lock_guard lock(halt_mutex);
    on_halt = std::move(f);
}

std::string halt() {
    std::function<void()> f;
    {
        std::lock_guard lock(halt_mutex);
        f = on_halt;
    }
    if (f) f();
    return "stopping";
}

constexpr auto commands = mi::command_set(
    mi::command<"twice">(mi::recipe<&twice, "x">), mi::command<"whoami">(mi::needs_read, mi::recipe<&whoami>),
    mi::command<"throwing">(mi::recipe<&throwing>), mi::command<"sleepy">(mi::recipe<&sleepy, "ms">, mi::async),
    mi::command<"gated">(mi::recipe<&gated, "value">, mi::async),
    mi::command<"forgetful">(mi::recipe<&forgetful>, mi::async), mi::command<"halt">(mi::recipe<&halt>));

mi::dispatcher const dispatcher(commands);
using server_type = mi::http::server<std::remove_cvref_t<decltype(dispatcher)>>;

static_assert(mi::transport::async_dispatcher<std::remove_cvref_t<decltype(dispatcher)>>);
static_assert(!mi::transport::async_dispatcher<int>);

// --- the server under test --------------------------------------------------------------------------------------

// The limits a server reports through options::on_limit, from any thread.
struct limits_seen {
    std::mutex mutex;
    std::vector<std::string> seen;

    mi::limit_hook hook() {
        return [this](std::string_view limit, mi::context const& ctx) {
            BOOST_TEST(ctx.transport == "http");
            std::lock_guard lock(mutex);
            seen.emplace_back(limit);
        };
    }
    std::vector<std::string> names() {
        std::lock_guard lock(mutex);
        return seen;
    }
};

mi::http::options test_options() {
    mi::http::options o;
    o.port = 0;
    o.async_timeout = 200ms;
    o.read_timeout = 2s;
    o.idle_timeout = 5s;
    return o;
}

// The loop is declared first, so the server stops while the loop still runs.
struct served {
    mi::transport::background loop;
    server_type server;

    explicit served(mi::http::options o = test_options(), std::size_t threads = 1)
        : loop(threads), server(loop.context(), dispatcher, std::move(o)) {
        server.start();
    }
    tcp::endpoint endpoint() const { return server.local_endpoint(); }
};

// --- a client of raw bytes ---------------------------------------------------------------------------------------

using response = http::response<http::string_body>;

// Blocking in appearance, asynchronous underneath so that every wait is bounded.
class client {
public:
    explicit client(tcp::endpoint const& to) {
        auto const ec = connect(to);
        BOOST_REQUIRE_MESSAGE(!ec, "connect: " << ec.message());
    }
    // For other threads than the test's and for connections that may be refused: no assertion.
    client(tcp::endpoint const& to, boost::system::error_code& ec) { ec = connect(to); }

    boost::system::error_code try_send(std::string_view bytes) {
        return wait([&](auto done) { asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()), done); });
    }

    void send(std::string_view bytes) {
        auto const ec = try_send(bytes);
        BOOST_REQUIRE_MESSAGE(!ec, "send: " << ec.message());
    }

    // The next response, or nothing when the connection ends first (or 5 s pass).
    std::optional<response> receive(bool head = false) {
        http::response_parser<http::string_body> parser;
        parser.skip(head);
        parser.body_limit(1 << 24);
        last_error = wait([&](auto done) { http::async_read(socket_, buffer_, parser, done); });
        if (last_error) return std::nullopt;
        return parser.release();
    }

    response must_receive(bool head = false) {
        auto r = receive(head);
        BOOST_REQUIRE_MESSAGE(r, "no response: " << last_error.message());
        return std::move(*r);
    }

    // True when the server closed the connection (end of stream or reset) within `limit`.
    bool closed(std::chrono::milliseconds limit = 5s) {
        // Already seen by receive(): Asio does not report an end of stream twice without a new epoll edge.
        if (last_error == http::error::end_of_stream || last_error == asio::error::connection_reset) return true;
        if (buffer_.size() != 0) return false;
        char byte;
        auto const ec = wait([&](auto done) { socket_.async_read_some(asio::buffer(&byte, 1), done); }, limit);
        last_error = ec;
        return ec == asio::error::eof || ec == asio::error::connection_reset;
    }

    tcp::endpoint local_endpoint() const { return socket_.local_endpoint(); }

    boost::system::error_code last_error;

private:
    boost::system::error_code connect(tcp::endpoint const& to) {
        return wait([&](auto done) { socket_.async_connect(to, done); });
    }

    // Runs one operation on the client's own io_context, for at most `limit`.
    template <class Start>
    boost::system::error_code wait(Start start, std::chrono::milliseconds limit = 5s) {
        io_.restart();
        boost::system::error_code result = asio::error::timed_out;
        bool finished = false;
        start([&](boost::system::error_code ec, auto&&...) {
            result = ec;
            finished = true;
        });
        io_.run_for(limit);
        if (!finished) {
            boost::system::error_code ignored;
            socket_.cancel(ignored);
            io_.restart();
            io_.run();
            result = asio::error::timed_out;
        }
        return result;
    }

    asio::io_context io_;
    tcp::socket socket_{io_};
    boost::beast::flat_buffer buffer_;
};

std::string post(std::string_view body, std::string_view headers = {}, std::string_view target = "/mi",
                 std::string_view version = "HTTP/1.1", std::string_view content_type = "application/json") {
    std::string r = "POST " + std::string(target) + ' ' + std::string(version) + "\r\nHost: 127.0.0.1\r\n";
    if (!content_type.empty()) r.append("Content-Type: ").append(content_type).append("\r\n");
    r.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n").append(headers).append("\r\n");
    return r.append(body);
}

std::string bare(std::string_view method, std::string_view target = "/mi") {
    return std::string(method) + ' ' + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

std::string content_type(response const& r) { return std::string(r[http::field::content_type]); }

std::string html(std::string_view text) { return "<html><body>" + std::string(text) + "</body></html>"; }

// One request on a fresh connection.
response ask(served const& s, std::string_view bytes, bool head = false) {
    client c(s.endpoint());
    c.send(bytes);
    return c.must_receive(head);
}

} // namespace

// --- routing, without sockets ---------------------------------------------------------------------------------

namespace {
// Routes a request through a server's endpoints (JSON-RPC on `root` only), without sockets.
mi::http::routing route(http::verb method, std::string_view target, std::string_view type, std::size_t body,
                        std::string_view root = "mi") {
    static std::string const text(64, 'x');
    mi::http::detail::endpoints<> const e{mi::http::json_rpc(root)};
    std::size_t chosen = 99;
    std::string scratch;
    auto r = e.route({method, target, type, std::string_view(text).substr(0, body), {}}, chosen, scratch);
    if (!r.call.empty()) BOOST_TEST(chosen == 0u);
    return r;
}
} // namespace

BOOST_AUTO_TEST_CASE(routing_follows_spec_6_3) {
    using http::status;
    using http::verb;
    struct row {
        verb method;
        std::string_view target, type;
        std::size_t body;
        bool dispatch;
        status code;
        std::string_view content_type;
    };
    row const rows[] = {
        {verb::post, "/mi", "application/json", 10, true, status::ok, "application/json"},
        {verb::post, "/mi/anything/below", "application/json", 10, true, status::ok, "application/json"},
        {verb::post, "/mi?pretty=1", "application/json", 10, true, status::ok, "application/json"},
        {verb::post, "/mi", "Application/JSON ; charset=utf-8", 10, true, status::ok, "application/json"},
        {verb::post, "/mi", "text/xml", 10, true, status::ok, "application/json"},
        {verb::post, "/mi", "application/x-www-form-urlencoded", 10, false, status::bad_request, "application/json"},
        {verb::post, "/mi", "", 10, false, status::bad_request, "application/json"},
        {verb::post, "/mi", "text/html", 10, false, status::bad_request, "application/json"},
        {verb::post, "/mi", "application/json", 0, false, status::bad_request, "application/json"},
        {verb::post, "/mix", "application/json", 10, false, status::bad_request, "text/html"},
        {verb::post, "/", "application/json", 10, false, status::bad_request, "text/html"},
        {verb::post, "mi", "application/json", 10, false, status::bad_request, "text/html"},
        {verb::get, "/mi", "", 0, false, status::method_not_allowed, "application/json"},
        {verb::get, "/other", "", 0, false, status::bad_request, "text/html"},
        {verb::put, "/mi", "application/json", 10, false, status::not_acceptable, "text/html"},
        {verb::delete_, "/other", "", 0, false, status::not_acceptable, "text/html"},
        {verb::head, "/mi", "", 0, false, status::not_acceptable, "text/html"},
        {verb::unknown, "/mi", "", 0, false, status::not_acceptable, "text/html"},
    };
    for (auto const& r : rows) {
        BOOST_TEST_CONTEXT(r.target << " " << r.type) {
            auto const p = route(r.method, r.target, r.type, r.body);
            BOOST_TEST(!p.call.empty() == r.dispatch);
            if (r.dispatch) BOOST_TEST(p.call.size() == r.body);
            if (!r.dispatch) {
                BOOST_TEST(p.now.status == r.code);
                BOOST_TEST(p.now.content_type == r.content_type);
            }
        }
    }
    BOOST_TEST(route(verb::put, "/mi", "", 0).now.body == html("Unsupported HTTP request!"));
    BOOST_TEST(route(verb::post, "/x", "", 0).now.body == html("Unable to parse URL!"));
    BOOST_TEST(!route(verb::post, "/a/b", "application/json", 1, "/a/").call.empty());
    BOOST_TEST(!route(verb::post, "/anything", "application/json", 1, "").call.empty());
}

BOOST_AUTO_TEST_CASE(answers_map_to_200_202_500) {
    mi::http::json_rpc const json;
    mi::http::request_view const r{http::verb::post, "/mi", "application/json", "{}", {}};
    BOOST_TEST(json.render(r, mi::answer_kind::final, "{}").status == http::status::ok);
    BOOST_TEST(json.render(r, mi::answer_kind::final, "{}").body == "{}");
    BOOST_TEST(json.render(r, mi::answer_kind::final, "").status == http::status::accepted);
    BOOST_TEST(json.render(r, mi::answer_kind::failed, "").status == http::status::internal_server_error);
    BOOST_TEST(json.render(r, mi::answer_kind::failed, "").body.empty());
}

// Another endpoint for the routing tests: answers every request itself, naming its root.
struct echo_endpoint {
    std::string prefix;
    std::string_view root() const { return prefix; }
    static constexpr std::string_view name() { return "the echo endpoint"; }
    mi::http::routing route(mi::http::request_view const& r, std::string& scratch) const {
        if (r.body == "call") return {scratch = R"({"jsonrpc":"2.0","id":1,"method":"echo","params":["x"]})", {}};
        return {{}, {http::status::ok, "text/plain", prefix + " saw " + std::string(r.target)}};
    }
    mi::http::reply render(mi::http::request_view const&, mi::answer_kind, std::string&& text) const {
        return {http::status::ok, "text/plain", prefix + " rendered " + text};
    }
};
static_assert(mi::http::endpoint<echo_endpoint>);

BOOST_AUTO_TEST_CASE(endpoints_share_the_port_by_root) {
    using http::verb;
    mi::http::detail::endpoints<echo_endpoint, echo_endpoint> const e{mi::http::json_rpc("mi"), echo_endpoint{"RPC2"},
                                                                     echo_endpoint{"mi/deeper"}};
    std::size_t chosen = 0;
    std::string scratch;
    auto r = e.route({verb::get, "/RPC2/x", "", "", {}}, chosen, scratch);
    BOOST_TEST(r.now.body == "RPC2 saw /RPC2/x");
    r = e.route({verb::get, "/mi/deeper/y?z", "", "", {}}, chosen, scratch); // the longest root wins
    BOOST_TEST(r.now.body == "mi/deeper saw /mi/deeper/y?z");
    r = e.route({verb::get, "/mi/deep", "", "", {}}, chosen, scratch);
    BOOST_TEST(r.now.status == http::status::method_not_allowed); // JSON-RPC's
    r = e.route({verb::post, "/RPC2", "", "call", {}}, chosen, scratch);
    BOOST_TEST(chosen == 1u);
    BOOST_TEST(r.call == scratch);
    BOOST_TEST(e.render(chosen, {}, mi::answer_kind::final, "A").body == "RPC2 rendered A");
    r = e.route({verb::put, "/RPC2", "", "", {}}, chosen, scratch);
    BOOST_TEST(r.now.status == http::status::not_acceptable); // httpd's, before any endpoint

    // an endpoint switched off at run time serves nothing and clashes with nothing
    mi::http::detail::endpoints<mi::http::optional_endpoint<echo_endpoint>, mi::http::optional_endpoint<echo_endpoint>> const
        optional{mi::http::json_rpc("mi"), {}, echo_endpoint{"RPC2"}};
    BOOST_TEST(optional.route({verb::get, "/RPC2", "", "", {}}, chosen, scratch).now.body == "RPC2 saw /RPC2");
    BOOST_TEST(optional.route({verb::get, "/", "", "", {}}, chosen, scratch).now.status == http::status::bad_request);
    BOOST_CHECK_NO_THROW((mi::http::detail::endpoints<mi::http::optional_endpoint<echo_endpoint>>{
        mi::http::json_rpc("mi"), {}}));

    using clash = mi::http::detail::endpoints<echo_endpoint>;
    BOOST_CHECK_EXCEPTION(clash(mi::http::json_rpc("/mi/"), echo_endpoint{"mi"}), std::invalid_argument,
                          [](std::invalid_argument const& x) {
                              return std::string_view(x.what()) ==
                                     "mi::http: the JSON-RPC endpoint and the echo endpoint both have the root "
                                     "'/mi'; give one of them another root";
                          });
}

// An endpoint that takes DELETE too, as MCP's does.
struct deleting_endpoint : echo_endpoint {
    static bool accepts(http::verb method) { return method == http::verb::delete_; }
};

BOOST_AUTO_TEST_CASE(a_405_says_what_is_allowed_and_other_methods_reach_an_endpoint_that_takes_them) {
    using http::verb;
    mi::http::json_rpc const json;
    std::string unused;
    auto const get = json.route({verb::get, "/mi", "", "", {}}, unused);
    BOOST_TEST(get.now.status == http::status::method_not_allowed);
    BOOST_REQUIRE(get.now.headers.size() == 1u);
    BOOST_TEST(get.now.headers.front().first == "Allow");
    BOOST_TEST(get.now.headers.front().second == "POST");

    mi::http::detail::endpoints<deleting_endpoint> const e{mi::http::json_rpc("mi"), deleting_endpoint{{"mcp"}}};
    std::size_t chosen = 0;
    std::string scratch;
    BOOST_TEST(e.route({verb::delete_, "/mcp", "", "", {}}, chosen, scratch).now.body == "mcp saw /mcp");
    BOOST_TEST(e.route({verb::delete_, "/mi", "", "", {}}, chosen, scratch).now.status == http::status::not_acceptable);
    BOOST_TEST(e.route({verb::delete_, "/x", "", "", {}}, chosen, scratch).now.status == http::status::not_acceptable);
    BOOST_TEST(e.accepts("/mcp/x", verb::delete_));
    BOOST_TEST(!e.accepts("/mi", verb::delete_));
    BOOST_TEST(e.accepts("/mi", verb::post));
}

BOOST_AUTO_TEST_CASE(cors_preflights_and_exposes_for_the_allowed_origins_only) {
    using http::verb;
    mi::http::detail::endpoints<deleting_endpoint> const routes{mi::http::json_rpc("mi"), deleting_endpoint{{"mcp"}}};
    mi::http::detail::cors const off({});
    BOOST_TEST(!off.enabled());
    BOOST_TEST(off.admits("")); // no Origin: no page of another origin is asking
    BOOST_TEST(!off.admits("http://console.example"));
    mi::http::detail::cors const on({"http://console.example", "https://ops.example:8443"});
    BOOST_TEST(on.admits("HTTP://Console.Example"));
    BOOST_TEST(!on.admits("http://console.example:81"));

    auto preflight = [&](std::string_view origin, std::string_view method, std::string_view target) {
        http::fields f;
        if (!origin.empty()) f.set(http::field::origin, origin);
        f.set(http::field::access_control_request_method, method);
        return on.preflight(f, target, routes);
    };
    auto const header = [](mi::http::reply const& r, std::string_view name) {
        for (auto const& [n, v] : r.headers)
            if (n == name) return v;
        return std::string();
    };
    auto const ok = preflight("https://ops.example:8443", "DELETE", "/mcp");
    BOOST_TEST(ok.status == http::status::no_content);
    BOOST_TEST(header(ok, "Access-Control-Allow-Methods") == "GET, POST, DELETE");
    BOOST_TEST(header(ok, "Access-Control-Allow-Headers").find("Mcp-Session-Id") != std::string::npos);
    BOOST_TEST(header(preflight("http://console.example", "POST", "/mi"), "Access-Control-Allow-Methods") == "GET, POST");
    BOOST_TEST(preflight("http://evil.example", "POST", "/mi").status == http::status::forbidden);
    BOOST_TEST(preflight("", "POST", "/mi").status == http::status::forbidden);
    BOOST_TEST(preflight("http://console.example", "DELETE", "/mi").status == http::status::forbidden);
    BOOST_TEST(preflight("http://console.example", "BREW", "/mi").status == http::status::forbidden);

    http::fields response;
    on.expose("http://console.example", response, {"Mcp-Session-Id", "Allow"});
    BOOST_TEST(response[http::field::access_control_allow_origin] == "http://console.example");
    BOOST_TEST(response[http::field::vary] == "Origin");
    BOOST_TEST(response[http::field::access_control_expose_headers] == "Mcp-Session-Id, Allow");
    http::fields refused, unasked;
    on.expose("http://evil.example", refused, {});
    off.expose("http://console.example", unasked, {});
    BOOST_TEST((refused.begin() == refused.end()));
    BOOST_TEST((unasked.begin() == unasked.end()));
}

BOOST_AUTO_TEST_CASE(secrets_are_compared_whole) {
    using mi::http::detail::same_secret;
    BOOST_TEST(same_secret("s3cret", "s3cret"));
    BOOST_TEST(!same_secret("s3cret", "s3creT"));
    BOOST_TEST(!same_secret("s3cret", "s3cre"));
    BOOST_TEST(!same_secret("", "x"));
    BOOST_TEST(same_secret("", ""));
    BOOST_TEST(mi::http::detail::base64("Aladdin:open sesame") == "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    BOOST_TEST(mi::http::detail::base64("ab") == "YWI=");
    BOOST_TEST(mi::http::detail::base64("abc") == "YWJj");
}

// --- a server on 127.0.0.1 -------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(every_json_rpc_answer_is_200_application_json) {
    served s;
    auto r = ask(s, post(request("twice", "[21]")));
    BOOST_TEST(r.result_int() == 200);
    BOOST_TEST(content_type(r) == "application/json");
    BOOST_TEST(r.body() == result("42"));
    BOOST_TEST(ask(s, post("{not json")).body() == error(-32700, "Parse error", {}, "null"));
    BOOST_TEST(ask(s, post(request("nope"))).body() == error(-32601, "Method not found"));
    BOOST_TEST(ask(s, post(request("twice", R"(["x"])"))).body() ==
               mi_test::invalid_params("Bad type for parameter 'x'"));
    r = ask(s, post(request("throwing")));
    BOOST_TEST(r.result_int() == 200);
    BOOST_TEST(r.body() == error(-32603, "Internal error"));
    BOOST_TEST(ask(s, post(request("twice", "[1]"), {}, "/mi/below")).body() == result("2"));
    BOOST_TEST(ask(s, post(request("twice", "[1]"), {}, "/mi", "HTTP/1.1", "text/xml")).body() == result("2"));
    BOOST_TEST(ask(s, post(request("twice", "[1]"), {}, "/mi", "HTTP/1.1", "application/json; charset=utf-8")).body() ==
               result("2"));
}

BOOST_AUTO_TEST_CASE(the_context_names_http_and_the_peer) {
    served s;
    client c(s.endpoint());
    c.send(post(request("whoami")));
    auto const me = c.local_endpoint();
    BOOST_TEST(c.must_receive().body() ==
               result('"' + ("http 127.0.0.1:" + std::to_string(me.port())) + '"'));
}

BOOST_AUTO_TEST_CASE(a_notification_is_202_with_an_empty_body) {
    served s;
    auto const r = ask(s, post(R"({"jsonrpc":"2.0","method":"twice","params":[1]})"));
    BOOST_TEST(r.result_int() == 202);
    BOOST_TEST(r.body().empty());
    BOOST_TEST(r[http::field::content_length] == "0");
}

BOOST_AUTO_TEST_CASE(http_level_errors) {
    served s;
    auto r = ask(s, post(""));
    BOOST_TEST(r.result_int() == 400);
    BOOST_TEST(r.body().empty());

    r = ask(s, bare("GET"));
    BOOST_TEST(r.result_int() == 405);
    BOOST_TEST(r.body().empty());
    BOOST_TEST(content_type(r) == "application/json");

    for (auto method : {"PUT", "DELETE", "OPTIONS", "PATCH"}) {
        r = ask(s, bare(method));
        BOOST_TEST(r.result_int() == 406, method);
        BOOST_TEST(content_type(r) == "text/html");
        BOOST_TEST(r.body() == html("Unsupported HTTP request!"));
    }
    r = ask(s, bare("HEAD"), true);
    BOOST_TEST(r.result_int() == 406);
    BOOST_TEST(r[http::field::content_length] == std::to_string(html("Unsupported HTTP request!").size()));

    for (auto target : {"/other", "/mix", "/"}) {
        r = ask(s, post(request("twice", "[1]"), {}, target));
        BOOST_TEST(r.result_int() == 400, target);
        BOOST_TEST(content_type(r) == "text/html");
        BOOST_TEST(r.body() == html("Unable to parse URL!"));
    }
    r = ask(s, bare("GET", "/other"));
    BOOST_TEST(r.result_int() == 400);
    BOOST_TEST(r.body() == html("Unable to parse URL!"));

    // curl -d's default type, as OpenSIPS; a missing or unknown type too (OpenSIPS closes without an answer)
    for (auto type : {"application/x-www-form-urlencoded", "", "text/plain"}) {
        r = ask(s, post(request("twice", "[1]"), {}, "/mi", "HTTP/1.1", type));
        BOOST_TEST(r.result_int() == 400, type);
        BOOST_TEST(r.body().empty());
    }
}

BOOST_AUTO_TEST_CASE(malformed_requests_are_400_and_closed) {
    served s;
    for (auto bytes : {"GARBAGE\r\n\r\n", "POST /mi HTTP/1.1\r\nContent-Length: abc\r\n\r\n",
                       "POST /mi HTTP/1.1\r\nNo colon here\r\n\r\n", "\x01\x02\x03\r\n\r\n"}) {
        client c(s.endpoint());
        c.send(bytes);
        auto const r = c.must_receive();
        BOOST_TEST(r.result_int() == 400);
        BOOST_TEST(!r.keep_alive());
        BOOST_TEST(c.closed());
    }
}

BOOST_AUTO_TEST_CASE(keep_alive_and_pipelining) {
    served s;
    client c(s.endpoint());
    for (int i = 1; i <= 3; ++i) {
        c.send(post(request("twice", "[" + std::to_string(i) + "]")));
        auto const r = c.must_receive();
        BOOST_TEST(r.body() == result(std::to_string(2 * i)));
        BOOST_TEST(r.keep_alive());
    }
    // Three requests in one write, an asynchronous one in the middle: answered in order.
    c.send(post(request("twice", "[5]")) + post(request("sleepy", "[20]")) + post(request("twice", "[6]")));
    BOOST_TEST(c.must_receive().body() == result("10"));
    BOOST_TEST(c.must_receive().body() == result(R"("slept")"));
    BOOST_TEST(c.must_receive().body() == result("12"));
    // An error answer keeps the connection too.
    c.send(post(""));
    BOOST_TEST(c.must_receive().result_int() == 400);
    c.send(post(request("twice", "[7]")));
    BOOST_TEST(c.must_receive().body() == result("14"));
    join_workers();
}

BOOST_AUTO_TEST_CASE(connection_close_and_http_1_0) {
    served s;
    {
        client c(s.endpoint());
        c.send(post(request("twice", "[1]"), "Connection: close\r\n"));
        auto const r = c.must_receive();
        BOOST_TEST(r.body() == result("2"));
        BOOST_TEST(!r.keep_alive());
        BOOST_TEST(c.closed());
    }
    {
        client c(s.endpoint()); // HTTP/1.0 closes by default
        c.send(post(request("twice", "[2]"), {}, "/mi", "HTTP/1.0"));
        auto const r = c.must_receive();
        BOOST_TEST(r.version() == 10);
        BOOST_TEST(r.body() == result("4"));
        BOOST_TEST(c.closed());
    }
    {
        client c(s.endpoint()); // unless asked
        c.send(post(request("twice", "[3]"), "Connection: keep-alive\r\n", "/mi", "HTTP/1.0"));
        auto r = c.must_receive();
        BOOST_TEST(r.body() == result("6"));
        BOOST_TEST(r.keep_alive());
        c.send(post(request("twice", "[4]"), {}, "/mi", "HTTP/1.0"));
        r = c.must_receive();
        BOOST_TEST(r.body() == result("8"));
        BOOST_TEST(c.closed());
    }
}

BOOST_AUTO_TEST_CASE(an_async_command_answers_with_its_final_answer) {
    served s;
    auto const r = ask(s, post(request("sleepy", "[50]")));
    BOOST_TEST(r.result_int() == 200); // the provisional answer is not sent
    BOOST_TEST(r.body() == result(R"("slept")"));
    join_workers();
}

BOOST_AUTO_TEST_CASE(a_failed_async_command_is_500) {
    served s;
    auto const r = ask(s, post(request("forgetful")));
    BOOST_TEST(r.result_int() == 500);
    BOOST_TEST(r.body().empty());
}

BOOST_AUTO_TEST_CASE(async_timeout_is_500_and_a_late_answer_is_dropped) {
    served s; // async_timeout 200 ms
    client c(s.endpoint());
    c.send(post(request("gated", R"(["first"])")));
    auto const first = gate.take();
    auto r = c.must_receive();
    BOOST_TEST(r.result_int() == 500);
    BOOST_TEST(r.body().empty());
    BOOST_TEST(r.keep_alive());

    // The same connection waits for another answer when the first one comes, late: it must not be taken.
    c.send(post(R"({"jsonrpc":"2.0","method":"gated","params":["second"],"id":2})"));
    auto const second = gate.take();
    gate.release(first);
    gate.release(second);
    r = c.must_receive();
    BOOST_TEST(r.result_int() == 200);
    BOOST_TEST(r.body() == result(R"("second")", "2"));
}

BOOST_AUTO_TEST_CASE(a_slow_async_command_does_not_block_others) {
    served s; // one io thread
    client slow(s.endpoint());
    slow.send(post(request("gated", R"(["slow"])")));
    auto const held = gate.take();
    // While it waits, another connection is answered at once (and another request of the same kind too).
    client fast(s.endpoint());
    fast.send(post(request("twice", "[8]")));
    BOOST_TEST(fast.must_receive().body() == result("16"));
    gate.release(held);
    BOOST_TEST(slow.must_receive().body() == result(R"("slow")"));
}

BOOST_AUTO_TEST_CASE(a_body_over_the_limit_is_413) {
    mi::http::options o = test_options();
    o.body_limit = 1024;
    served s(o);
    {
        std::string body = request("twice", "[3]");
        body.resize(1024, ' '); // exactly the limit
        BOOST_TEST(ask(s, post(body)).body() == result("6"));
    }
    {
        client c(s.endpoint()); // declared too long: answered before the body is read
        c.send("POST /mi HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"jsonrpc\"");
        auto const r = c.must_receive();
        BOOST_TEST(r.result_int() == 413);
        BOOST_TEST(!r.keep_alive());
        BOOST_TEST(c.closed());
    }
    {
        client c(s.endpoint()); // chunked: found too long while reading
        std::string chunk(2000, ' ');
        c.send("POST /mi HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
               "7d0\r\n" + chunk + "\r\n0\r\n\r\n");
        auto const r = c.must_receive();
        BOOST_TEST(r.result_int() == 413);
        BOOST_TEST(c.closed());
    }
}

BOOST_AUTO_TEST_CASE(expect_100_continue) {
    served s;
    client c(s.endpoint());
    std::string const body = request("twice", "[9]");
    c.send("POST /mi HTTP/1.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n");
    BOOST_TEST(c.must_receive().result_int() == 100);
    c.send(body);
    BOOST_TEST(c.must_receive().body() == result("18"));
}

BOOST_AUTO_TEST_CASE(a_request_that_does_not_arrive_in_time_is_408) {
    mi::http::options o = test_options();
    o.read_timeout = 300ms;
    served s(o);
    {
        client c(s.endpoint()); // half a header, then nothing
        c.send("POST /mi HTTP/1.1\r\nContent-Type: appl");
        auto const r = c.must_receive();
        BOOST_TEST(r.result_int() == 408);
        BOOST_TEST(!r.keep_alive());
        BOOST_TEST(c.closed());
    }
    {
        client c(s.endpoint()); // a whole header, half the body
        c.send("POST /mi HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
        BOOST_TEST(c.must_receive().result_int() == 408);
    }
    {
        client c(s.endpoint()); // a byte every 50 ms: the deadline covers the whole request, not each read
        auto const start = std::chrono::steady_clock::now();
        std::string const bytes = post(request("twice", "[1]"));
        bool ended = false;
        for (std::size_t i = 0; i < bytes.size() && !ended; ++i) {
            if (c.try_send(bytes.substr(i, 1))) break; // the server gave up on us
            std::this_thread::sleep_for(50ms);
            ended = std::chrono::steady_clock::now() - start > 1s;
        }
        auto const r = c.receive(); // the 408, unless the reset of a still-sending client overtook it
        BOOST_TEST_MESSAGE("slow sender: " << (r ? std::to_string(r->result_int()) : c.last_error.message()));
        BOOST_TEST((!r || r->result_int() == 408));
        BOOST_TEST((!r ? true : c.closed()));
    }
}

BOOST_AUTO_TEST_CASE(an_idle_connection_is_closed) {
    mi::http::options o = test_options();
    o.idle_timeout = 200ms;
    served s(o);
    client c(s.endpoint());
    c.send(post(request("twice", "[1]")));
    BOOST_TEST(c.must_receive().body() == result("2"));
    auto const start = std::chrono::steady_clock::now();
    BOOST_TEST(c.closed(3s));
    BOOST_TEST((std::chrono::steady_clock::now() - start >= 150ms));
}

BOOST_AUTO_TEST_CASE(connections_over_the_cap_are_answered_503_and_closed) {
    mi::http::options o = test_options();
    o.max_connections = 2;
    limits_seen seen;
    o.on_limit = seen.hook();
    served s(o);
    std::optional<client> a(s.endpoint()), b(s.endpoint());
    for (auto* c : {&*a, &*b}) { // both admitted
        c->send(post(request("twice", "[1]")));
        BOOST_TEST(c->must_receive().body() == result("2"));
    }
    client third(s.endpoint());
    third.send(post(request("twice", "[1]")));
    BOOST_TEST(third.must_receive().result_int() == 503);
    BOOST_TEST(third.closed());
    BOOST_TEST(seen.names() == std::vector<std::string>{"connections"});

    a.reset(); // the server notices the end of `a`, then admits a new connection
    bool admitted = false;
    auto const deadline = std::chrono::steady_clock::now() + 5s;
    while (!admitted && std::chrono::steady_clock::now() < deadline) {
        boost::system::error_code ec;
        client next(s.endpoint(), ec);
        if (!ec) ec = next.try_send(post(request("twice", "[2]")));
        auto const r = ec ? std::nullopt : next.receive();
        admitted = r && r->body() == result("4");
        if (!admitted) std::this_thread::sleep_for(20ms);
    }
    BOOST_TEST(admitted);
    b->send(post(request("twice", "[3]"))); // the kept one still works
    BOOST_TEST(b->must_receive().body() == result("6"));
}

BOOST_AUTO_TEST_CASE(stop_closes_every_connection) {
    std::optional<served> s(std::in_place);
    auto const endpoint = s->endpoint();
    client idle(endpoint), partial(endpoint), waiting(endpoint);
    idle.send(post(request("twice", "[1]")));
    BOOST_TEST(idle.must_receive().body() == result("2"));
    partial.send("POST /mi HTTP/1.1\r\nContent-");
    waiting.send(post(request("gated", R"(["never sent"])")));
    auto const held = gate.take();

    s->server.stop();
    BOOST_TEST(idle.closed());
    BOOST_TEST(partial.closed());
    BOOST_TEST(waiting.closed());
    bool refused = false; // the listener closes on the loop, soon after stop() returns
    auto const deadline = std::chrono::steady_clock::now() + 5s;
    while (!refused && std::chrono::steady_clock::now() < deadline) {
        boost::system::error_code ec;
        client late(endpoint, ec);
        refused = ec == asio::error::connection_refused;
        if (!ec) BOOST_TEST(late.closed()); // accepted by the kernel before the close: closed at once
    }
    BOOST_TEST(refused);
    s->server.stop(); // idempotent
    BOOST_CHECK_THROW(s->server.start(), std::logic_error);

    gate.release(held); // after stop: dropped
    s.reset();
    gate.release(held); // after the server and its loop are gone: ignored
}

BOOST_AUTO_TEST_CASE(basic_users_and_bearer_tokens_as_opensips_4_and_401_for_anyone_else) {
    auto o = test_options();
    o.access.users = {{"admin", "open sesame"}, {"viewer", "x", mi::permission::read}};
    o.access.tokens = {"t0k3n", {"r3ad", mi::permission::read}};
    served s(o);
    auto const call = post(request("twice", "[21]"));
    auto const with = [&](std::string_view authorization) {
        return post(request("twice", "[21]"), "Authorization: " + std::string(authorization) + "\r\n");
    };
    for (auto const& bytes : {call, with("Basic YWRtaW46b3BlbiBzZXNhbWU"), with("Basic YWRtaW46b3BlbiBzZXNhbWX="),
                              with("Bearer t0k3n0"), with("Bearer"), with("Digest t0k3n"), with("t0k3n")}) {
        auto const r = ask(s, bytes);
        BOOST_TEST(r.result_int() == 401);
        BOOST_TEST(r.body() == html("Unauthorized"));
        BOOST_TEST(content_type(r) == "text/html");
        std::vector<std::string> challenges;
        for (auto const& f : r.base())
            if (f.name() == http::field::www_authenticate) challenges.emplace_back(f.value());
        BOOST_TEST((challenges == std::vector<std::string>{R"(Basic realm="OpenSIPS MI")", R"(Bearer realm="OpenSIPS MI")"}));
    }
    for (auto const& authorization : {"Basic YWRtaW46b3BlbiBzZXNhbWU=", "basic YWRtaW46b3BlbiBzZXNhbWU=",
                                      "Bearer t0k3n", "BEARER  t0k3n"}) {
        auto const r = ask(s, with(authorization));
        BOOST_TEST_CONTEXT(authorization) {
            BOOST_TEST(r.result_int() == 200);
            BOOST_TEST(r.body() == result("42"));
        }
    }
    // before anything else: an unauthorized client learns nothing of the URL space or the methods
    BOOST_TEST(ask(s, bare("GET", "/elsewhere")).result_int() == 401);
    BOOST_TEST(ask(s, bare("PUT")).result_int() == 401);

    // each credential has its permission: read-only ones run reads, and are told no for the rest
    auto const as = [&](std::string_view authorization, std::string_view body) {
        return ask(s, post(std::string(body), "Authorization: " + std::string(authorization) + "\r\n")).body();
    };
    for (auto const* reader : {"Basic dmlld2VyOng=", "Bearer r3ad"}) {
        BOOST_TEST(as(reader, request("whoami")).find("\"result\":\"http 127.0.0.1:") != std::string::npos);
        BOOST_TEST(as(reader, request("twice", "[1]")) ==
                   error(-32003, "Permission denied",
                         "twice called so needs the 'admin' permission; this caller has 'read'"));
    }
    BOOST_TEST(as("Bearer t0k3n", request("twice", "[1]")) == result("2"));
}

BOOST_AUTO_TEST_CASE(an_open_server_grants_what_its_options_say) {
    auto o = test_options();
    o.granted = mi::permission::read;
    served s(o);
    BOOST_TEST(ask(s, post(request("whoami"))).body().find("\"result\"") != std::string::npos);
    BOOST_TEST(ask(s, post(request("twice", "[1]"))).body().find("-32003") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(headers_over_the_limit_are_431) {
    auto o = test_options();
    o.header_limit = 1024;
    limits_seen seen;
    o.on_limit = seen.hook();
    served s(o);
    BOOST_TEST(ask(s, post(request("twice", "[1]"), "X-Pad: " + std::string(800, 'a') + "\r\n")).body() == result("2"));
    client c(s.endpoint());
    c.send(post(request("twice", "[1]"), "X-Pad: " + std::string(2000, 'a') + "\r\n"));
    auto const r = c.must_receive();
    BOOST_TEST(r.result_int() == 431);
    BOOST_TEST(!r.keep_alive());
    BOOST_TEST(c.closed());
    BOOST_TEST(seen.names() == std::vector<std::string>{"header"});
}

BOOST_AUTO_TEST_CASE(a_connection_serves_so_many_requests_then_closes) {
    auto o = test_options();
    o.max_requests_per_connection = 3;
    limits_seen seen;
    o.on_limit = seen.hook();
    served s(o);
    client c(s.endpoint());
    for (int i = 1; i <= 3; ++i) {
        c.send(post(request("twice", "[" + std::to_string(i) + "]")));
        auto const r = c.must_receive();
        BOOST_TEST(r.body() == result(std::to_string(2 * i)));
        BOOST_TEST(r.keep_alive() == (i < 3));
    }
    BOOST_TEST(c.closed());
    BOOST_TEST(seen.names() == std::vector<std::string>{"requests_per_connection"});
}

BOOST_AUTO_TEST_CASE(limits_hit_while_reading_are_reported) {
    auto o = test_options();
    o.body_limit = 64;
    o.read_timeout = 200ms;
    limits_seen seen;
    o.on_limit = seen.hook();
    served s(o);
    BOOST_TEST(ask(s, post(request("twice", std::string(100, ' ') + "[1]"))).result_int() == 413);
    client c(s.endpoint());
    c.send("POST /mi HTTP/1.1\r\n");
    BOOST_TEST(c.must_receive().result_int() == 408);
    BOOST_TEST((seen.names() == std::vector<std::string>{"body", "timeout"}));
}

BOOST_AUTO_TEST_CASE(a_command_may_stop_its_own_server) {
    served s;
    set_halt([&] { s.server.stop(); }); // must not wait for the dispatch it is called from
    client c(s.endpoint());
    c.send(post(request("halt")));
    auto const r = c.receive(); // its answer comes after the stop: dropped with the connection
    BOOST_TEST(!r, (r ? r->body() : c.last_error.message()));
    BOOST_TEST(c.closed(), c.last_error.message());
    set_halt(nullptr);
}

BOOST_AUTO_TEST_CASE(an_answer_after_the_server_is_gone_is_dropped) {
    std::optional<served> s(std::in_place);
    client c(s->endpoint());
    c.send(post(request("gated", R"(["too late"])")));
    auto held = gate.take();
    s.reset(); // server, then loop
    held.first.finish(held.second);
    held = {}; // the last handle: nothing left to fail
    BOOST_TEST(c.closed());
}

BOOST_AUTO_TEST_CASE(start_reports_what_it_cannot_do) {
    served s;
    server_type clash(s.loop.context(), dispatcher, [&] {
        auto o = test_options();
        o.port = s.endpoint().port();
        return o;
    }());
    try {
        clash.start();
        BOOST_FAIL("a second server bound the same port");
    } catch (boost::system::system_error const& e) {
        BOOST_TEST(std::string(e.what()).find("127.0.0.1:" + std::to_string(s.endpoint().port())) != std::string::npos,
                   e.what());
        BOOST_TEST((e.code() == asio::error::address_in_use));
    }
    auto o = test_options();
    o.address = "localhost"; // a name, not an address: nothing is resolved behind the user's back
    server_type named(s.loop.context(), dispatcher, o);
    BOOST_CHECK_EXCEPTION(named.start(), boost::system::system_error, [](auto const& e) {
        return std::string(e.what()).find("bad listen address 'localhost'") != std::string::npos;
    });
    BOOST_CHECK_THROW(s.server.start(), std::logic_error); // twice
}

BOOST_AUTO_TEST_CASE(several_io_threads_and_clients) {
    served s(test_options(), 2);
    std::atomic<int> good{0};
    {
        std::vector<std::jthread> clients;
        for (int t = 0; t < 4; ++t)
            clients.emplace_back([&, t] {
                boost::system::error_code ec;
                client c(s.endpoint(), ec);
                for (int i = 0; i < 25; ++i) {
                    int const x = t * 100 + i;
                    bool const slow = i % 5 == 0;
                    if (ec) return;
                    auto const body = slow ? request("sleepy", "[1]") : request("twice", "[" + std::to_string(x) + "]");
                    ec = c.try_send(post(body));
                    auto const r = c.receive();
                    if (r && r->body() == (slow ? result(R"("slept")") : result(std::to_string(2 * x)))) ++good;
                }
            });
    }
    BOOST_TEST(good.load() == 100);
    join_workers();
}

BOOST_AUTO_TEST_CASE(stop_races_with_traffic) {
    std::optional<served> s(std::in_place, test_options(), 2);
    auto const endpoint = s->endpoint();
    std::atomic<bool> go{true};
    {
        std::vector<std::jthread> clients;
        for (int t = 0; t < 3; ++t)
            clients.emplace_back([&] {
                while (go) {
                    boost::system::error_code ec;
                    client c(endpoint, ec);
                    if (ec || c.try_send(post(request("sleepy", "[1]")) + post(request("twice", "[1]")))) return;
                    if (!c.receive() || !c.receive()) return;
                }
            });
        std::this_thread::sleep_for(100ms);
        s.reset();
        go = false;
    }
    join_workers();
    BOOST_TEST(true); // no crash, leak or race reported by the sanitizers
}
