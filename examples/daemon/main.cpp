// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// mi_daemon: a small daemon that answers the OpenSIPS 3.x core MI commands over HTTP, FIFO, UDP and UNIX
// datagrams, as an OpenSIPS instance would, so that opensips-cli, curl and python scripts just work.
//
//   mi_daemon [--http [ADDRESS:PORT]] [--http-user NAME:PASSWORD[:PERMISSION]]... [--http-token TOKEN[:PERMISSION]]...
//             [--html [ROOT]] [--xmlrpc [ROOT]] [--prometheus [ROOT]] [--mcp [ROOT]] [--allow-origin ORIGIN]...
//             [--fifo [PATH]] [--reply-dir DIR] [--udp [HOST:PORT]] [--unix PATH]
//             [--tls-cert FILE --tls-key FILE] [--grant TRANSPORT=PERMISSION]... [--limit NAME=VALUE]... [--audit]
//             [--async-timeout MS] [--busy-poll MICROS] [--threads N] [--log-level N] [--threshold GROUP:NAME=N]...
//
// Events (event_subscribe, then udp:, unix: or tcp: sockets): E_CORE_LOG_LEVEL when a log level is set,
// E_STATISTIC_THRESHOLD when a statistic reaches a --threshold (checked every 100 ms, raised once per crossing).
// PERMISSION is read, write or admin (the default): what a credential, or anyone reaching a transport without
// one, may do. --audit logs every call (transport, peer, permission, method, params, outcome, duration).
// --tls-cert and --tls-key (PEM files) make the HTTP port speak HTTPS (TLS 1.2 and later). --busy-poll makes
// the FIFO and the UDP and UNIX sockets poll for the next request that long after each answer, a core spinning
// meanwhile.
// Without a transport option it serves --http 127.0.0.1:8888 and --fifo /tmp/opensips_fifo. --html and
// --xmlrpc add the browser page and XML-RPC to the HTTP port (which they turn on): JSON-RPC keeps /mi, as
// opensips-cli expects, so the page defaults to /html (OpenSIPS's mi_html would take /mi) and XML-RPC to
// /RPC2. --prometheus serves the statistics to Prometheus on the HTTP port too (default /metrics, named as
// OpenSIPS's prometheus module names them), --mcp every command as an MCP tool (default /mcp). --allow-origin
// lets pages on that origin call the HTTP port from a browser (CORS), and the MCP endpoint take requests from
// them. SIGINT, SIGTERM and the `kill` command stop it cleanly (the FIFO and socket files it made are removed).
#include "core.hpp"

#include <mi/transport/address.hpp>
#include <mi/transport/datagram.hpp>
#include <mi/transport/event_datagram.hpp>
#include <mi/transport/event_stream.hpp>
#include <mi/transport/fifo.hpp>
#include <mi/transport/html.hpp>
#include <mi/transport/http.hpp>
#include <mi/transport/https.hpp>
#include <mi/transport/mcp.hpp>
#include <mi/transport/prometheus.hpp>
#include <mi/transport/xmlrpc.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <charconv>
#include <cstdint>
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
    "usage: mi_daemon [--http [ADDRESS:PORT]] [--http-user NAME:PASSWORD[:PERMISSION]]... [--http-token TOKEN[:PERMISSION]]...\n"
    "                 [--html [ROOT]] [--xmlrpc [ROOT]] [--prometheus [ROOT]] [--mcp [ROOT]] [--allow-origin ORIGIN]...\n"
    "                 [--fifo [PATH]] [--reply-dir DIR] [--udp [HOST:PORT]] [--unix PATH]\n"
    "                 [--tls-cert FILE --tls-key FILE] [--grant http|fifo|udp|unix=PERMISSION]...\n"
    "                 [--limit NAME=VALUE]... [--audit]\n"
    "                 [--async-timeout MS] [--busy-poll MICROS] [--threads N] [--log-level N]\n"
    "                 [--threshold GROUP:NAME=N]...  (E_STATISTIC_THRESHOLD when that statistic reaches N)\n"
    "--busy-poll: after each answer, the FIFO, UDP and UNIX sockets poll this long for the next request (spinning).\n"
    "PERMISSION: read, write or admin (the default). Limits (defaults in brackets):\n"
    "  json.batch [100] json.depth [32] json.params [64] json.string [65536]\n"
    "  http.body [1048576] http.header [8192] http.connections [512] http.requests_per_connection [10000]\n"
    "  http.read_timeout_ms [30000] http.idle_timeout_ms [30000] fifo.request [65536] fifo.pending [1024]\n"
    "  datagram.pending [1024]\n";

struct configuration {
    std::optional<mi::http::options> http;
    std::optional<mi::html::options> html;
    std::optional<mi::xmlrpc::options> xmlrpc;
    std::optional<mi::prometheus::options> prometheus;
    std::optional<mi::mcp::options> mcp;
    std::optional<mi::fifo::options> fifo;
    std::vector<mi::datagram::options> datagrams;
    mi::limits limits;
    std::optional<std::pair<std::string, std::string>> tls; // certificate chain and key files
    std::size_t threads = 1;
    std::optional<int> log_level;
    std::vector<std::pair<std::string, std::uint64_t>> thresholds; // statistic key, value
    bool audit = false;
};

[[noreturn]] void fail(std::string const& why) {
    std::fprintf(stderr, "mi_daemon: %s\n%s", why.c_str(), usage);
    std::exit(2);
}

// "HOST:PORT" with HOST possibly "[v6]"; the port must be a number.
mi::transport::host_port host_and_port(std::string_view text) {
    auto address = mi::transport::parse_host_port(text);
    if (!address) fail("expected HOST:PORT with a port up to 65535, got '" + std::string(text) + "'");
    return std::move(*address);
}

std::optional<mi::permission> permission_named(std::string_view name) {
    for (auto p : {mi::permission::read, mi::permission::write, mi::permission::admin})
        if (name == mi::name_of(p)) return p;
    return std::nullopt;
}

// "SECRET[:PERMISSION]": a last ':' followed by a permission's name grants it; else the whole text is the secret.
std::pair<std::string, mi::permission> secret_and_permission(std::string const& text) {
    auto const colon = text.rfind(':');
    if (colon != std::string::npos)
        if (auto p = permission_named(std::string_view(text).substr(colon + 1))) return {text.substr(0, colon), *p};
    return {text, mi::permission::admin};
}

void apply_limit(configuration& c, std::string const& name, std::size_t n) {
    auto needs = [&](bool served) {
        if (!served) fail("--limit " + name + ": that transport is not served");
    };
    auto const ms = std::chrono::milliseconds(n);
    if (name == "json.batch") c.limits.max_batch = n;
    else if (name == "json.depth") c.limits.max_depth = n;
    else if (name == "json.params") c.limits.max_params = n;
    else if (name == "json.string") c.limits.max_string = n;
    else if (name.starts_with("http.")) {
        needs(c.http.has_value());
        if (name == "http.body") c.http->body_limit = n;
        else if (name == "http.header") c.http->header_limit = n;
        else if (name == "http.connections") c.http->max_connections = n;
        else if (name == "http.requests_per_connection") c.http->max_requests_per_connection = n;
        else if (name == "http.read_timeout_ms") c.http->read_timeout = ms;
        else if (name == "http.idle_timeout_ms") c.http->idle_timeout = ms;
        else fail("unknown limit '" + name + "'");
    } else if (name == "fifo.request") needs(c.fifo.has_value()), c.fifo->max_request = n;
    else if (name == "fifo.pending") needs(c.fifo.has_value()), c.fifo->max_pending = n;
    else if (name == "datagram.pending") {
        needs(!c.datagrams.empty());
        for (auto& d : c.datagrams) d.max_pending = n;
    } else fail("unknown limit '" + name + "'");
}

std::size_t number(std::string_view text, std::string_view what) {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size()) fail("bad number '" + std::string(text) + "' for " + std::string(what));
    return n;
}

// What the command line says that can only be applied once every option has been read, because it concerns
// transports that a later option may turn on (or that no option turns on, which is then an error).
struct deferred {
    std::vector<std::pair<std::string, std::size_t>> limits;
    std::vector<std::pair<std::string, mi::permission>> grants;
    std::optional<std::string> reply_dir;
    std::optional<std::chrono::milliseconds> async_timeout;
    std::optional<std::chrono::microseconds> busy_poll;
    std::optional<std::string> tls_cert, tls_key;
    mi::http::access access;
    std::vector<std::string> allowed_origins;
};

// The command line, one option at a time; an option's value is the next argument unless that is an option.
class arguments {
public:
    arguments(int argc, char** argv) : argc_(argc), argv_(argv) {}

    bool next() { return ++i_ < argc_; }
    std::string_view option() const { return argv_[i_]; }

    // Without a value, `fallback` is taken; without either, the option is refused.
    std::string value(char const* fallback) {
        if (i_ + 1 < argc_ && std::string_view(argv_[i_ + 1]).substr(0, 2) != "--") return argv_[++i_];
        if (fallback) return fallback;
        fail(std::string(argv_[i_]) + " needs a value");
    }

private:
    int argc_;
    char** argv_;
    int i_ = 0;
};

// The HTTP port: where it listens, who may use it, TLS, and the endpoints beside JSON-RPC. False: not one of these.
bool http_option(std::string_view option, arguments& args, configuration& c, deferred& later) {
    if (option == "--http") {
        auto [host, port] = host_and_port(args.value("127.0.0.1:8888"));
        c.http.emplace();
        c.http->address = host;
        c.http->port = port;
    } else if (option == "--http-user") {
        auto const [user, granted] = secret_and_permission(args.value(nullptr));
        auto const colon = user.find(':');
        if (colon == std::string::npos || colon == 0) fail("--http-user takes NAME:PASSWORD[:PERMISSION]");
        later.access.users.push_back({user.substr(0, colon), user.substr(colon + 1), granted});
    } else if (option == "--http-token") {
        auto [token, granted] = secret_and_permission(args.value(nullptr));
        later.access.tokens.emplace_back(std::move(token), granted);
    } else if (option == "--tls-cert") {
        later.tls_cert = args.value(nullptr);
    } else if (option == "--tls-key") {
        later.tls_key = args.value(nullptr);
    } else if (option == "--html") {
        c.html.emplace();
        c.html->root = args.value("html");
        c.html->ungrouped = "core"; // OpenSIPS 3.x's URLs: /ROOT/core/ps
    } else if (option == "--xmlrpc") {
        c.xmlrpc.emplace();
        c.xmlrpc->root = args.value("RPC2");
    } else if (option == "--prometheus") {
        c.prometheus.emplace();
        c.prometheus->root = args.value("metrics");
    } else if (option == "--mcp") {
        c.mcp.emplace();
        c.mcp->root = args.value("mcp");
    } else if (option == "--allow-origin") {
        later.allowed_origins.push_back(args.value(nullptr));
    } else {
        return false;
    }
    return true;
}

// The FIFO and the datagram sockets. False: not one of these options.
bool local_option(std::string_view option, arguments& args, configuration& c, deferred& later) {
    if (option == "--fifo") {
        c.fifo.emplace();
        c.fifo->path = args.value("/tmp/opensips_fifo");
    } else if (option == "--reply-dir") {
        later.reply_dir = args.value(nullptr);
    } else if (option == "--udp") {
        mi::datagram::options d;
        d.socket = "udp:" + args.value("127.0.0.1:8080");
        host_and_port(d.socket.substr(4)); // refuse a bad address now rather than at start
        c.datagrams.push_back(d);
    } else if (option == "--unix") {
        mi::datagram::options d;
        d.socket = args.value(nullptr);
        c.datagrams.push_back(d);
    } else {
        return false;
    }
    return true;
}

// What applies across transports: permissions, limits, timeouts, threads, logging. False: not one of these.
bool tuning_option(std::string_view option, arguments& args, configuration& c, deferred& later) {
    if (option == "--grant" || option == "--limit") {
        auto const setting = args.value(nullptr);
        auto const equals = setting.find('=');
        if (equals == std::string::npos) fail(std::string(option) + " takes NAME=VALUE");
        auto const name = setting.substr(0, equals);
        auto const text = std::string_view(setting).substr(equals + 1);
        if (option == "--limit") later.limits.emplace_back(name, number(text, name));
        else if (auto p = permission_named(text)) later.grants.emplace_back(name, *p);
        else fail("--grant takes TRANSPORT=read|write|admin");
    } else if (option == "--audit") {
        c.audit = true;
    } else if (option == "--busy-poll") {
        later.busy_poll = std::chrono::microseconds(number(args.value(nullptr), "--busy-poll"));
    } else if (option == "--async-timeout") {
        later.async_timeout = std::chrono::milliseconds(std::atol(args.value(nullptr).c_str()));
    } else if (option == "--threads") {
        c.threads = std::max(1, std::atoi(args.value(nullptr).c_str()));
    } else if (option == "--log-level") {
        c.log_level = std::atoi(args.value(nullptr).c_str());
    } else if (option == "--threshold") {
        auto const setting = args.value(nullptr);
        auto const equals = setting.find('=');
        if (equals == std::string::npos || setting.find(':') > equals) fail("--threshold takes GROUP:NAME=N");
        c.thresholds.emplace_back(setting.substr(0, equals), number(std::string_view(setting).substr(equals + 1), "--threshold"));
    } else {
        return false;
    }
    return true;
}

void grant(configuration& c, std::string const& transport, mi::permission granted) {
    bool applied = false;
    if (transport == "http" && c.http) c.http->granted = granted, applied = true;
    if (transport == "fifo" && c.fifo) c.fifo->granted = granted, applied = true;
    for (auto& d : c.datagrams) {
        bool const udp = d.socket.starts_with("udp:");
        if ((transport == "udp" && udp) || (transport == "unix" && !udp)) d.granted = granted, applied = true;
    }
    if (!applied) fail("--grant " + transport + "=...: no such transport is served");
}

// Once the transports are known: the deferred settings, checked in this order (which decides what is reported
// when several are wrong) and applied to the transports they concern.
void apply(deferred& later, configuration& c) {
    if (!later.access.open()) {
        if (!c.http) fail("--http-user and --http-token need --http");
        c.http->access = std::move(later.access);
    }
    if (!later.allowed_origins.empty()) {
        if (!c.http) fail("--allow-origin needs --http");
        c.http->allowed_origins = std::move(later.allowed_origins);
    }
    if (auto const timeout = later.async_timeout) {
        if (c.http) c.http->async_timeout = *timeout;
        if (c.fifo) c.fifo->async_timeout = *timeout;
        for (auto& d : c.datagrams) d.async_timeout = *timeout;
    }
    if (auto const poll = later.busy_poll) {
        if (!c.fifo && c.datagrams.empty()) fail("--busy-poll needs --fifo, --udp or --unix");
        if (c.fifo) c.fifo->busy_poll = *poll;
        for (auto& d : c.datagrams) d.busy_poll = *poll;
    }
    if (later.tls_cert || later.tls_key) {
        if (!later.tls_cert || !later.tls_key) fail("--tls-cert and --tls-key go together");
        if (!c.http) fail("--tls-cert and --tls-key need --http");
        c.tls.emplace(*later.tls_cert, *later.tls_key);
    }
    for (auto const& [transport, granted] : later.grants) grant(c, transport, granted);
    for (auto const& [name, n] : later.limits) apply_limit(c, name, n);
}

configuration parse(int argc, char** argv) {
    configuration c;
    deferred later;
    for (arguments args(argc, argv); args.next();) {
        auto const option = args.option();
        if (http_option(option, args, c, later) || local_option(option, args, c, later) ||
            tuning_option(option, args, c, later))
            continue;
        if (option != "--help" && option != "-h") fail("unknown option '" + std::string(option) + "'");
        std::fputs(usage, stdout);
        std::exit(0);
    }
    if (later.reply_dir) { // before the default transports: they never take it
        if (!c.fifo) fail("--reply-dir needs --fifo");
        c.fifo->reply_dir = *later.reply_dir;
    }
    if (!c.http && !c.fifo && c.datagrams.empty()) {
        if (!c.html && !c.xmlrpc && !c.prometheus && !c.mcp) c.fifo.emplace();
        c.http.emplace();
    }
    if ((c.html || c.xmlrpc || c.prometheus || c.mcp) && !c.http) c.http.emplace(); // served on the HTTP port
    apply(later, c);
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
            if (a.kind != mi::answer_kind::provisional && a.error != 0) core.count_error(); // a batch counts as one
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

// Every server the configuration asks for, on one io_context, each answering through a counting dispatcher.
template <class Dispatcher>
class servers {
public:
    servers(boost::asio::io_context& io, Dispatcher const& d, daemon_core::state& core)
        : io_(io), dispatcher_(d), core_(core), counted_(d, core) {}

    // Throws what a server throws when it cannot start; those already started stay up until destroyed.
    void start(configuration const& config) {
        if (config.http) start_http(config);
        if (config.fifo) {
            fifo_ = std::make_unique<mi::fifo::server<counted_type>>(io_, counted_, *config.fifo);
            fifo_->start();
            core_.log(daemon_core::notice, "FIFO at " + config.fifo->path + ", replies in " + config.fifo->reply_dir);
        }
        for (auto const& d : config.datagrams) {
            datagrams_.push_back(std::make_unique<mi::datagram::server<counted_type>>(io_, counted_, d));
            datagrams_.back()->start();
            core_.log(daemon_core::notice, "datagrams on " + d.socket);
        }
    }

    void stop() {
        if (http_) http_->stop();
        if (https_) https_->stop();
        if (fifo_) fifo_->stop();
        for (auto& d : datagrams_) d->stop();
    }

private:
    using counted_type = counting_dispatcher<Dispatcher>;
    using html_endpoint = mi::http::optional_endpoint<mi::html::page>;
    using xmlrpc_endpoint = mi::http::optional_endpoint<mi::xmlrpc::endpoint>;
    using prometheus_endpoint = mi::http::optional_endpoint<mi::prometheus::endpoint>;
    using mcp_endpoint = mi::http::optional_endpoint<mi::mcp::endpoint>;
    using http_server =
        mi::http::server<counted_type, html_endpoint, xmlrpc_endpoint, prometheus_endpoint, mcp_endpoint>;
    using https_server =
        mi::https::server<counted_type, html_endpoint, xmlrpc_endpoint, prometheus_endpoint, mcp_endpoint>;

    void start_http(configuration const& config) {
        html_endpoint html;
        if (config.html) html = mi::html::page(dispatcher_.schema(), *config.html);
        xmlrpc_endpoint xmlrpc;
        if (config.xmlrpc) xmlrpc = mi::xmlrpc::endpoint(*config.xmlrpc);
        prometheus_endpoint prometheus;
        if (config.prometheus) prometheus = mi::prometheus::endpoint(core_.statistics(), *config.prometheus);
        mcp_endpoint mcp;
        if (config.mcp) mcp = mi::mcp::endpoint(dispatcher_.schema(), *config.mcp);
        boost::asio::ip::tcp::endpoint bound;
        if (config.tls) {
            https_ = std::make_unique<https_server>(io_, tls_context(*config.tls), counted_, *config.http,
                                                    std::move(html), std::move(xmlrpc), std::move(prometheus),
                                                    std::move(mcp));
            https_->start();
            bound = https_->local_endpoint();
        } else {
            http_ = std::make_unique<http_server>(io_, counted_, *config.http, std::move(html), std::move(xmlrpc),
                                                  std::move(prometheus), std::move(mcp));
            http_->start();
            bound = http_->local_endpoint();
        }
        announce_http(config, bound);
    }

    // TLS 1.2 and later, with the certificate chain and key files of the command line.
    boost::asio::ssl::context& tls_context(std::pair<std::string, std::string> const& files) {
        namespace ssl = boost::asio::ssl;
        tls_.emplace(ssl::context::tls_server);
        tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                          ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        tls_->use_certificate_chain_file(files.first);
        tls_->use_private_key_file(files.second, ssl::context::pem);
        return *tls_;
    }

    void announce_http(configuration const& config, boost::asio::ip::tcp::endpoint const& bound) const {
        auto const where = (config.tls ? "https://" : "http://") + config.http->address + ":" + std::to_string(bound.port());
        if (!bound.address().is_loopback() && config.http->access.open())
            core_.log(daemon_core::warning, "HTTP listens on " + config.http->address +
                                                " without authentication: anyone who reaches it can run every "
                                                "command; add --http-user or --http-token");
        core_.log(daemon_core::notice, "JSON-RPC on " + where + "/" + config.http->root);
        if (config.html) core_.log(daemon_core::notice, "HTML page on " + where + "/" + config.html->root);
        if (config.xmlrpc) core_.log(daemon_core::notice, "XML-RPC on " + where + "/" + config.xmlrpc->root);
        if (config.prometheus)
            core_.log(daemon_core::notice, "Prometheus metrics on " + where + "/" + config.prometheus->root);
        if (config.mcp) core_.log(daemon_core::notice, "MCP on " + where + "/" + config.mcp->root);
    }

    boost::asio::io_context& io_;
    Dispatcher const& dispatcher_;
    daemon_core::state& core_;
    counted_type counted_; // before the servers, which hold it by reference
    std::unique_ptr<http_server> http_;
    std::optional<boost::asio::ssl::context> tls_; // before the HTTPS server, whose streams use it
    std::unique_ptr<https_server> https_;
    std::unique_ptr<mi::fifo::server<counted_type>> fifo_;
    std::vector<std::unique_ptr<mi::datagram::server<counted_type>>> datagrams_;
};

// Runs the io_context on `threads` threads, this one included, until SIGINT, SIGTERM or the `kill` command.
// Raises E_STATISTIC_THRESHOLD when a statistic reaches its --threshold: read every 100 ms, raised once each time
// the value goes from below to at or above it.
class threshold_watch {
public:
    threshold_watch(boost::asio::io_context& io, daemon_core::state& core,
                    std::vector<std::pair<std::string, std::uint64_t>> thresholds)
        : core_(core), timer_(io), thresholds_(std::move(thresholds)), reached_(thresholds_.size(), false) {
        for (auto const& [key, n] : thresholds_)
            if (!core_.statistics().get({key})) fail("--threshold " + key + ": no such statistic");
    }

    void start() {
        if (thresholds_.empty()) return;
        timer_.expires_after(std::chrono::milliseconds(100));
        timer_.async_wait([this](boost::system::error_code ec) {
            if (ec) return;
            check();
            start();
        });
    }

private:
    void check() {
        for (std::size_t i = 0; i < thresholds_.size(); ++i) {
            auto const& [key, threshold] = thresholds_[i];
            auto const values = core_.statistics().get({key});
            if (!values || values->empty()) continue;
            auto const& [name, value] = values->front();
            bool const now = value >= threshold;
            if (now && !reached_[i])
                core_.events().raise<"E_STATISTIC_THRESHOLD">(daemon_core::threshold_reached{name, value, threshold});
            reached_[i] = now;
        }
    }

    daemon_core::state& core_;
    boost::asio::steady_timer timer_;
    std::vector<std::pair<std::string, std::uint64_t>> thresholds_;
    std::vector<bool> reached_;
};

template <class Servers>
void serve(boost::asio::io_context& io, daemon_core::state& core, Servers& running, std::size_t threads) {
    auto shutdown = [&] {
        core.log(daemon_core::notice, "stopping");
        running.stop();
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
    for (std::size_t i = 1; i < threads; ++i)
        workers.emplace_back([&, i] {
            core.add_process("MI worker " + std::to_string(i));
            io.run();
        });
    core.log(daemon_core::notice, "ready");
    io.run();
    workers.clear();
}

} // namespace

// What the daemon does with what the dispatcher and the transports report: counters for the statistics
// commands and, with --audit, a log line per call.
mi::observer watch(daemon_core::state& core, bool audit) {
    mi::observer o;
    o.on_limit = [&core](std::string_view limit, mi::context const&) { core.count_limit(limit); };
    o.on_call = [&core, audit](mi::call_record const& r) {
        if (r.error == static_cast<int>(mi::errc::permission_denied)) core.count_denied();
        if (!audit) return;
        auto const micros = std::chrono::duration_cast<std::chrono::microseconds>(r.duration).count();
        constexpr std::size_t shown = 512; // params longer than this are cut: the log is for people
        std::string line = "audit: " + std::string(r.caller.transport) + " peer=" + std::string(r.caller.peer) +
                           " permission=" + std::string(mi::name_of(r.caller.granted)) + " method=" +
                           std::string(r.method) + " params=" + std::string(r.params.substr(0, shown)) +
                           (r.params.size() > shown ? "..." : "") + " error=" + std::to_string(r.error) +
                           " us=" + std::to_string(micros);
        for (char& ch : line) // a peer or reply name is the client's text: no line of the log is its to make
            if (static_cast<unsigned char>(ch) < 0x20) ch = '?';
        core.write_log(line);
    };
    o.detailed = audit; // counting denied calls needs neither the params nor the time
    return o;
}

int main(int argc, char** argv) {
    auto config = parse(argc, argv);
    boost::asio::io_context io(static_cast<int>(config.threads)); // a hint of 1 lets asio take single-thread shortcuts
    // after io: the events' deliveries send on it until the hub, in core, goes
    daemon_core::state core(std::vector<std::string>(argv, argv + argc), server_version(), MI_DAEMON_REVISION);
    auto& hub = core.events().hub();
    hub.deliver_with(std::make_shared<mi::event_datagram::delivery>(io, hub));
    hub.deliver_with(std::make_shared<mi::event_stream::delivery>(io, hub));
    if (config.log_level) core.set_global_level(*config.log_level);
    threshold_watch thresholds(io, core, config.thresholds);

    auto const observer = watch(core, config.audit);
    if (config.http) config.http->on_limit = observer.on_limit;
    if (config.fifo) config.fifo->on_limit = observer.on_limit;
    for (auto& d : config.datagrams) d.on_limit = observer.on_limit;
    mi::dispatcher const dispatcher(daemon_core::commands, config.limits, observer, core, core.statistics(), hub);
    servers<std::remove_cv_t<decltype(dispatcher)>> running(io, dispatcher, core);
    try {
        running.start(config);
        thresholds.start();
    } catch (std::exception const& e) {
        std::fprintf(stderr, "mi_daemon: cannot start: %s\n", e.what());
        return 1;
    }
    serve(io, core, running, config.threads);
    return 0;
}
