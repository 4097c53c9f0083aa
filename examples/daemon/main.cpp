// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi_daemon: a small daemon that answers the OpenSIPS 3.x core MI commands over HTTP, FIFO, UDP and UNIX
// datagrams, as an OpenSIPS instance would, so that opensips-cli, curl and python scripts just work.
//
//   mi_daemon [--http [ADDRESS:PORT]] [--http-user NAME:PASSWORD]... [--http-token TOKEN]... [--html [ROOT]]
//             [--xmlrpc [ROOT]] [--fifo [PATH]] [--reply-dir DIR] [--udp [HOST:PORT]] [--unix PATH]
//             [--async-timeout MS] [--threads N] [--log-level N]
//
// Without a transport option it serves --http 127.0.0.1:8888 and --fifo /tmp/opensips_fifo. --html and
// --xmlrpc add the browser page and XML-RPC to the HTTP port (which they turn on): JSON-RPC keeps /mi, as
// opensips-cli expects, so the page defaults to /html (OpenSIPS's mi_html would take /mi) and XML-RPC to
// /RPC2. SIGINT, SIGTERM and the `kill` command stop it cleanly (the FIFO and socket files it made are removed).
#include "core.hpp"

#include <mi/transport/datagram.hpp>
#include <mi/transport/fifo.hpp>
#include <mi/transport/html.hpp>
#include <mi/transport/http.hpp>
#include <mi/transport/xmlrpc.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

constexpr char const* usage =
    "usage: mi_daemon [--http [ADDRESS:PORT]] [--http-user NAME:PASSWORD]... [--http-token TOKEN]... [--html [ROOT]]\n"
    "                 [--xmlrpc [ROOT]] [--fifo [PATH]] [--reply-dir DIR] [--udp [HOST:PORT]] [--unix PATH]\n"
    "                 [--async-timeout MS] [--threads N] [--log-level N]\n";

struct configuration {
    std::optional<mi::http::options> http;
    std::optional<mi::html::options> html;
    std::optional<mi::xmlrpc::options> xmlrpc;
    std::optional<mi::fifo::options> fifo;
    std::vector<mi::datagram::options> datagrams;
    std::size_t threads = 1;
    std::optional<int> log_level;
};

[[noreturn]] void fail(std::string const& why) {
    std::fprintf(stderr, "mi_daemon: %s\n%s", why.c_str(), usage);
    std::exit(2);
}

// "HOST:PORT" with HOST possibly "[v6]"; the port must be a number.
std::pair<std::string, unsigned short> host_and_port(std::string_view text) {
    auto const colon = text.rfind(':');
    if (colon == std::string_view::npos) fail("expected HOST:PORT, got '" + std::string(text) + "'");
    std::string host(text.substr(0, colon));
    if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    unsigned port = 0;
    auto const digits = text.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc{} || end != digits.data() + digits.size() || port > 65535)
        fail("bad port in '" + std::string(text) + "'");
    return {host, static_cast<unsigned short>(port)};
}

configuration parse(int argc, char** argv) {
    configuration c;
    std::optional<std::string> reply_dir;
    std::optional<std::chrono::milliseconds> async_timeout;
    mi::http::access access;
    auto value = [&](int& i, char const* fallback) -> std::string {
        if (i + 1 < argc && std::string_view(argv[i + 1]).substr(0, 2) != "--") return argv[++i];
        if (fallback) return fallback;
        fail(std::string(argv[i]) + " needs a value");
    };
    for (int i = 1; i < argc; ++i) {
        std::string_view const option = argv[i];
        if (option == "--http") {
            auto [host, port] = host_and_port(value(i, "127.0.0.1:8888"));
            c.http.emplace();
            c.http->address = host;
            c.http->port = port;
        } else if (option == "--http-user") {
            auto const user = value(i, nullptr);
            auto const colon = user.find(':');
            if (colon == std::string::npos || colon == 0) fail("--http-user takes NAME:PASSWORD");
            access.users.push_back({user.substr(0, colon), user.substr(colon + 1)});
        } else if (option == "--http-token") {
            access.tokens.push_back(value(i, nullptr));
        } else if (option == "--html") {
            c.html.emplace();
            c.html->root = value(i, "html");
            c.html->ungrouped = "core"; // OpenSIPS 3.x's URLs: /ROOT/core/ps
        } else if (option == "--xmlrpc") {
            c.xmlrpc.emplace();
            c.xmlrpc->root = value(i, "RPC2");
        } else if (option == "--fifo") {
            c.fifo.emplace();
            c.fifo->path = value(i, "/tmp/opensips_fifo");
        } else if (option == "--reply-dir") {
            reply_dir = value(i, nullptr);
        } else if (option == "--udp") {
            mi::datagram::options d;
            d.socket = "udp:" + value(i, "127.0.0.1:8080");
            host_and_port(d.socket.substr(4)); // refuse a bad address now rather than at start
            c.datagrams.push_back(d);
        } else if (option == "--unix") {
            mi::datagram::options d;
            d.socket = value(i, nullptr);
            c.datagrams.push_back(d);
        } else if (option == "--async-timeout") {
            async_timeout = std::chrono::milliseconds(std::atol(value(i, nullptr).c_str()));
        } else if (option == "--threads") {
            c.threads = std::max(1, std::atoi(value(i, nullptr).c_str()));
        } else if (option == "--log-level") {
            c.log_level = std::atoi(value(i, nullptr).c_str());
        } else if (option == "--help" || option == "-h") {
            std::fputs(usage, stdout);
            std::exit(0);
        } else {
            fail("unknown option '" + std::string(option) + "'");
        }
    }
    if (reply_dir) {
        if (!c.fifo) fail("--reply-dir needs --fifo");
        c.fifo->reply_dir = *reply_dir;
    }
    if (!c.http && !c.fifo && c.datagrams.empty()) {
        if (!c.html && !c.xmlrpc) c.fifo.emplace();
        c.http.emplace();
    }
    if ((c.html || c.xmlrpc) && !c.http) c.http.emplace(); // they are served on the HTTP port
    if (!access.open()) {
        if (!c.http) fail("--http-user and --http-token need --http");
        c.http->access = std::move(access);
    }
    if (async_timeout) {
        if (!c.http) fail("--async-timeout needs --http");
        c.http->async_timeout = *async_timeout;
    }
    return c;
}

// Counts every request per transport for the statistics commands, then hands it to the real dispatcher.
// Transports need only async_call, so this stands in for the dispatcher without changing them.
template <class Dispatcher>
class counting_dispatcher {
public:
    counting_dispatcher(Dispatcher const& d, daemon_core::state& core) : dispatcher_(d), core_(core) {}

    template <class OnAnswer>
    void async_call(std::string_view request, mi::context const& ctx, OnAnswer on_answer) const {
        core_.count_request(ctx.transport);
        dispatcher_.async_call(request, ctx, [on_answer = std::move(on_answer), &core = core_](mi::answer const& a) mutable {
            // mi writes every error response with this exact prefix; a batch ('[') counts as one request
            if (a.kind == mi::answer_kind::failed || a.text.starts_with(R"({"jsonrpc":"2.0","error")")) core.count_error();
            if (a.kind == mi::answer_kind::final && a.text.empty()) core.count_notification();
            on_answer(a);
        });
    }

private:
    Dispatcher const& dispatcher_;
    daemon_core::state& core_;
};

std::string server_version() {
    return "mi_daemon 0.1.0 (" MI_DAEMON_ARCH ")";
}

} // namespace

int main(int argc, char** argv) {
    auto const config = parse(argc, argv);
    daemon_core::state core(std::vector<std::string>(argv, argv + argc), server_version(), MI_DAEMON_REVISION);
    if (config.log_level) core.set_global_level(*config.log_level);

    mi::dispatcher const dispatcher(daemon_core::commands, core);
    using counted_type = counting_dispatcher<std::remove_cv_t<decltype(dispatcher)>>;
    counted_type const counted(dispatcher, core);
    boost::asio::io_context io(static_cast<int>(config.threads)); // a hint of 1 lets asio take single-thread shortcuts

    using http_server = mi::http::server<counted_type, mi::http::optional_endpoint<mi::html::page>,
                                         mi::http::optional_endpoint<mi::xmlrpc::endpoint>>;
    std::unique_ptr<http_server> http;
    std::unique_ptr<mi::fifo::server<counted_type>> fifo;
    std::vector<std::unique_ptr<mi::datagram::server<counted_type>>> datagrams;
    try {
        if (config.http) {
            mi::http::optional_endpoint<mi::html::page> html;
            if (config.html) html = mi::html::page(dispatcher.schema(), *config.html);
            mi::http::optional_endpoint<mi::xmlrpc::endpoint> xmlrpc;
            if (config.xmlrpc) xmlrpc = mi::xmlrpc::endpoint(*config.xmlrpc);
            http = std::make_unique<http_server>(io, counted, *config.http, std::move(html), std::move(xmlrpc));
            http->start();
            auto const where = "http://" + config.http->address + ":" + std::to_string(http->local_endpoint().port());
            if (!http->local_endpoint().address().is_loopback() && config.http->access.open())
                core.log(daemon_core::warning, "HTTP listens on " + config.http->address +
                                                   " without authentication: anyone who reaches it can run every "
                                                   "command; add --http-user or --http-token");
            core.log(daemon_core::notice, "JSON-RPC on " + where + "/" + config.http->root);
            if (config.html) core.log(daemon_core::notice, "HTML page on " + where + "/" + config.html->root);
            if (config.xmlrpc) core.log(daemon_core::notice, "XML-RPC on " + where + "/" + config.xmlrpc->root);
        }
        if (config.fifo) {
            fifo = std::make_unique<mi::fifo::server<counted_type>>(io, counted, *config.fifo);
            fifo->start();
            core.log(daemon_core::notice, "FIFO at " + config.fifo->path + ", replies in " + config.fifo->reply_dir);
        }
        for (auto const& d : config.datagrams) {
            datagrams.push_back(std::make_unique<mi::datagram::server<counted_type>>(io, counted, d));
            datagrams.back()->start();
            core.log(daemon_core::notice, "datagrams on " + d.socket);
        }
    } catch (std::exception const& e) {
        std::fprintf(stderr, "mi_daemon: cannot start: %s\n", e.what());
        return 1;
    }

    auto shutdown = [&] {
        core.log(daemon_core::notice, "stopping");
        if (http) http->stop();
        if (fifo) fifo->stop();
        for (auto& d : datagrams) d->stop();
        io.stop();
    };
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code const& ec, int) {
        if (!ec) shutdown();
    });
    // `kill` answers "OK" first: stop a moment later, so that the answer leaves.
    boost::asio::steady_timer kill_timer(io);
    core.on_kill = [&] {
        boost::asio::post(io, [&] {
            kill_timer.expires_after(std::chrono::milliseconds(100));
            kill_timer.async_wait([&](boost::system::error_code const& ec) {
                if (!ec) shutdown();
            });
        });
    };

    std::vector<std::jthread> workers;
    for (std::size_t i = 1; i < config.threads; ++i)
        workers.emplace_back([&, i] {
            core.add_process("MI worker " + std::to_string(i));
            io.run();
        });
    core.log(daemon_core::notice, "ready");
    io.run();
    workers.clear();
    return 0;
}
