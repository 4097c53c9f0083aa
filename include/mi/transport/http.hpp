// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// JSON-RPC over HTTP as OpenSIPS's mi_http and httpd modules serve it (spec section 6.3), on Boost.Beast, with
// room for other endpoints on other roots of the same port (the HTML page, XML-RPC).
// Three layers, as in Beast's own servers: endpoints (`json_rpc` and the others) and `detail::endpoints` decide
// what to answer from a request's parts and a dispatcher's answer (pure, testable without sockets); a `session`
// per connection reads, dispatches and writes on its own strand; a `listener` accepts. A `hub` shared by all of
// them holds what must outlive the `server` object: options, endpoints, the dispatcher reference, the
// connection registry and the stop flag.

#include <mi/async.hpp>
#include <mi/context.hpp>
#include <mi/transport/async_dispatcher.hpp>
#include <mi/transport/detail/address.hpp>
#include <mi/transport/detail/final_answer.hpp>
#include <mi/transport/detail/generation.hpp>
#include <mi/transport/detail/identity.hpp>

#include <boost/archive/iterators/base64_from_binary.hpp>
#include <boost/archive/iterators/transform_width.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/mp11/algorithm.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace mi::http {

/** Who may use an HTTP server: HTTP Basic users (OpenSIPS 4.x's httpd `auth_username` and `auth_password`)
    and bearer tokens. With neither, every request is served, so keep such a server on loopback. */
struct access {
    struct user {
        std::string name;
        std::string password;
        permission granted = permission::admin; ///< the most this user's calls may do
    };
    struct token {
        template <std::convertible_to<std::string> Secret>
        token(Secret&& secret, permission granted = permission::admin)
            : secret(std::forward<Secret>(secret)), granted(granted) {}
        std::string secret;
        permission granted;
    };
    std::vector<user> users;           ///< `Authorization: Basic base64(name:password)`
    std::vector<token> tokens;         ///< `Authorization: Bearer TOKEN`
    std::string realm = "OpenSIPS MI"; ///< named in the 401's `WWW-Authenticate` challenge

    bool open() const noexcept { return users.empty() && tokens.empty(); }
};

/** Where and how the HTTP transport listens. The defaults are OpenSIPS's (httpd `ip`, `port`, `conn_timeout`;
    mi_http `root`; the 240 s async wait of spec 3.5), except that a body up to `body_limit` arrives whole. */
struct options {
    std::string address = "127.0.0.1";               ///< listen address (IPv4 or IPv6 literal); loopback by default
    unsigned short port = 8888;                      ///< TCP port; 0 picks a free one (see `server::local_endpoint`)
    std::string root = "mi";                         ///< requests go to `/root` or `/root/...`
    std::size_t body_limit = std::size_t(1) << 20;   ///< a longer body is answered 413
    std::chrono::milliseconds read_timeout{30000};   ///< a request must arrive whole (and a response leave) within it
    std::chrono::milliseconds idle_timeout{30000};   ///< a kept-alive connection with no request is closed after it
    std::chrono::milliseconds async_timeout{240000}; ///< an asynchronous command's final answer; then 500
    std::size_t header_limit = 8192;                 ///< bytes of a request's start line and headers; more is 431
    std::size_t max_connections = 512;               ///< connections beyond it are answered 503 and closed
    std::size_t max_requests_per_connection = 10000; ///< the last one's response closes the connection
    mi::http::access access;                         ///< credentials every request must carry; none by default
    permission granted = permission::admin;          ///< what calls may do when `access` asks for no credentials
    limit_hook on_limit;                             ///< told of each limit hit ("body", "header", "timeout", ...)
};

namespace beast_http = boost::beast::http;

/** A request as an endpoint sees it: views into the request being answered, valid until its response is sent
    (so also when `render` is called with the dispatcher's answer). */
struct request_view {
    beast_http::verb method;
    std::string_view target; ///< path and query, as sent
    std::string_view content_type;
    std::string_view body;
};

/** A response an endpoint makes. */
struct reply {
    beast_http::status status = beast_http::status::ok;
    std::string_view content_type; ///< empty: no Content-Type
    std::string body;
};

/** What an endpoint makes of a request: a JSON-RPC request for the dispatcher, whose answer `render` turns
    into the response, or (when `call` is empty) the response itself. */
struct routing {
    std::string_view call; ///< a view into the request's body or into the scratch string `route` was given
    reply now;
};

/** A way of talking to the dispatcher over HTTP under a root of its own: JSON-RPC itself (`json_rpc`, always
    there), the HTML page (<mi/transport/html.hpp>), XML-RPC (<mi/transport/xmlrpc.hpp>). An endpoint only
    translates; the server owns sockets, limits and timeouts. `render` is also called with
    `answer_kind::failed` and no text when the answer did not come in time. */
template <class E>
concept endpoint = std::copy_constructible<E> &&
    requires(E const& e, request_view const& r, std::string& scratch, answer_kind kind, std::string&& text) {
        { e.root() } -> std::convertible_to<std::string_view>;
        { e.name() } -> std::convertible_to<std::string_view>;
        { e.route(r, scratch) } -> std::same_as<routing>;
        { e.render(r, kind, std::move(text)) } -> std::same_as<reply>;
    };

/** An endpoint chosen at run time (say, from a daemon's configuration): when empty it has no root and serves
    nothing, and requests under what would have been its root go elsewhere or get 400. */
template <endpoint E>
class optional_endpoint {
public:
    optional_endpoint() = default;
    optional_endpoint(E e) : endpoint_(std::move(e)) {}

    bool enabled() const noexcept { return endpoint_.has_value(); }
    std::string_view root() const { return endpoint_ ? std::string_view(endpoint_->root()) : std::string_view(); }
    std::string_view name() const { return endpoint_ ? std::string_view(endpoint_->name()) : std::string_view(); }
    routing route(request_view const& r, std::string& scratch) const { return endpoint_->route(r, scratch); }
    reply render(request_view const& r, answer_kind kind, std::string&& text) const {
        return endpoint_->render(r, kind, std::move(text));
    }

private:
    std::optional<E> endpoint_;
};

namespace detail {

// Endpoints serve unless they say otherwise (optional_endpoint).
template <class E>
bool serving(E const& e) {
    if constexpr (requires { e.enabled(); }) return e.enabled();
    else return true;
}

// Pages httpd itself produces, byte for byte (OpenSIPS modules/httpd/httpd_proc.c).
inline constexpr std::string_view unsupported_page = "<html><body>Unsupported HTTP request!</body></html>";
inline constexpr std::string_view bad_url_page = "<html><body>Unable to parse URL!</body></html>";
inline constexpr std::string_view json_type = "application/json";
inline constexpr std::string_view html_type = "text/html";

// `root` without its slashes, so that "mi", "/mi" and "/mi/" configure the same thing.
inline std::string_view trim_root(std::string_view root) noexcept {
    while (!root.empty() && root.front() == '/') root.remove_prefix(1);
    while (!root.empty() && root.back() == '/') root.remove_suffix(1);
    return root;
}

// httpd's get_httpd_cb: the path (libmicrohttpd strips the query) is `/root` or starts with `/root/`.
inline bool under_root(std::string_view target, std::string_view root) noexcept {
    std::string_view path = target.substr(0, target.find('?'));
    if (path.empty() || path.front() != '/') return false;
    path.remove_prefix(1);
    root = trim_root(root);
    if (root.empty()) return true;
    return path.starts_with(root) && (path.size() == root.size() || path[root.size()] == '/');
}

// httpd's getConnectionHeader: the media type before any `;` parameters, case-insensitively; JSON, and XML
// since httpd accepts it for every module.
inline bool accepted_content_type(std::string_view value) noexcept {
    std::string_view mime = value.substr(0, value.find(';'));
    auto const blank = [](char c) { return c == ' ' || c == '\t'; };
    while (!mime.empty() && blank(mime.front())) mime.remove_prefix(1);
    while (!mime.empty() && blank(mime.back())) mime.remove_suffix(1);
    return boost::beast::iequals(mime, "application/json") || boost::beast::iequals(mime, "text/xml");
}

} // namespace detail

/** JSON-RPC itself, as mi_http serves it (spec 6.3): POST a JSON body, get the JSON-RPC response with 200, or
    202 and no body for a notification; GET is 405, an empty body or a missing or unsupported Content-Type 400
    (where OpenSIPS closes the connection without an answer), a failed or timed-out call 500. */
class json_rpc {
public:
    explicit json_rpc(std::string_view root = "mi") : root_(detail::trim_root(root)) {}

    std::string_view root() const noexcept { return root_; }
    static constexpr std::string_view name() noexcept { return "the JSON-RPC endpoint"; }

    routing route(request_view const& r, std::string&) const {
        using beast_http::status;
        if (r.method == beast_http::verb::get) return {{}, {status::method_not_allowed, detail::json_type, {}}};
        if (r.body.empty() || !detail::accepted_content_type(r.content_type))
            return {{}, {status::bad_request, detail::json_type, {}}};
        return {r.body, {}};
    }

    reply render(request_view const&, answer_kind kind, std::string&& text) const {
        using beast_http::status;
        if (kind == answer_kind::failed) return {status::internal_server_error, detail::json_type, {}};
        if (text.empty()) return {status::accepted, detail::json_type, {}};
        return {status::ok, detail::json_type, std::move(text)};
    }

private:
    std::string root_;
};

namespace detail {

// Secrets compared in time that depends on their lengths only, never on where they first differ.
inline bool same_secret(std::string_view a, std::string_view b) noexcept {
    unsigned char difference = a.size() != b.size();
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i)
        difference |= static_cast<unsigned char>((i < a.size() ? a[i] : 0) ^ (i < b.size() ? b[i] : 0));
    return difference == 0;
}

inline std::string base64(std::string_view bytes) {
    using namespace boost::archive::iterators;
    using encoder = base64_from_binary<transform_width<std::string_view::const_iterator, 6, 8>>;
    std::string out(encoder(bytes.begin()), encoder(bytes.end()));
    out.append((3 - bytes.size() % 3) % 3, '=');
    return out;
}

/** Checks `Authorization` against an `access`: the scheme case-insensitively, the credentials in constant
    time against every accepted one (no early exit, so timing tells nothing of which or how close). */
class gatekeeper {
public:
    gatekeeper(access const& a, permission open_grant) : realm_(a.realm), open_grant_(open_grant) {
        for (auto const& u : a.users) accepted_.push_back({"Basic", base64(u.name + ':' + u.password), u.granted});
        for (auto const& t : a.tokens) accepted_.push_back({"Bearer", t.secret, t.granted});
        if (!a.users.empty()) challenges_.push_back("Basic realm=\"" + realm_ + "\"");
        if (!a.tokens.empty()) challenges_.push_back("Bearer realm=\"" + realm_ + "\"");
    }

    bool open() const noexcept { return accepted_.empty(); }

    /** What the request may do: nullopt when it is refused. */
    std::optional<permission> admits(std::string_view authorization) const noexcept {
        if (open()) return open_grant_;
        auto const space = authorization.find(' ');
        if (space == std::string_view::npos) return std::nullopt;
        std::string_view const scheme = authorization.substr(0, space);
        std::string_view credentials = authorization.substr(space + 1);
        while (!credentials.empty() && credentials.front() == ' ') credentials.remove_prefix(1);
        std::optional<permission> granted;
        for (auto const& [accepted_scheme, secret, grants] : accepted_) {
            bool const scheme_matches = boost::beast::iequals(scheme, accepted_scheme);
            bool const secret_matches = same_secret(credentials, secret); // always compared, whatever the scheme
            if (scheme_matches && secret_matches && !granted) granted = grants;
        }
        return granted;
    }

    /** The `WWW-Authenticate` values of a 401. */
    std::vector<std::string> const& challenges() const noexcept { return challenges_; }

private:
    struct credential {
        std::string_view scheme;
        std::string secret;
        permission granted;
    };
    std::string realm_;
    permission open_grant_;
    std::vector<credential> accepted_;
    std::vector<std::string> challenges_;
};

inline constexpr std::string_view unauthorized_page = "<html><body>Unauthorized</body></html>";

/** The endpoints of one server, and httpd's part of routing: the method (only GET and POST exist, else 406),
    then the URL (the endpoint with the longest root the path is under, else 400), then the endpoint's own. */
template <class... Extra>
class endpoints {
    using all = std::tuple<json_rpc, Extra...>;
    static constexpr std::size_t count = 1 + sizeof...(Extra);

public:
    /** @throws std::invalid_argument when two endpoints have one root. */
    explicit endpoints(json_rpc json, Extra... extra) : all_(std::move(json), std::move(extra)...) {
        for (std::size_t i = 0; i < count; ++i)
            for (std::size_t j = i + 1; j < count; ++j)
                if (serves(i) && serves(j) && root(i) == root(j))
                    throw std::invalid_argument("mi::http: " + std::string(name(i)) + " and " + std::string(name(j)) +
                                                " both have the root '/" + std::string(root(i)) +
                                                "'; give one of them another root");
    }

    /** Routes `r`; `chosen` receives the endpoint that must render the answer when there is a call. */
    routing route(request_view const& r, std::size_t& chosen, std::string& scratch) const {
        using beast_http::status;
        if (r.method != beast_http::verb::get && r.method != beast_http::verb::post)
            return {{}, {status::not_acceptable, html_type, std::string(unsupported_page)}};
        std::optional<std::size_t> best;
        for (std::size_t i = 0; i < count; ++i)
            if (serves(i) && under_root(r.target, root(i)) && (!best || root(i).size() > root(*best).size())) best = i;
        if (!best) return {{}, {status::bad_request, html_type, std::string(bad_url_page)}};
        chosen = *best;
        return with(chosen, [&](auto const& e) { return e.route(r, scratch); });
    }

    reply render(std::size_t chosen, request_view const& r, answer_kind kind, std::string&& text) const {
        return with(chosen, [&](auto const& e) { return e.render(r, kind, std::move(text)); });
    }

    std::string_view root(std::size_t i) const {
        return with(i, [](auto const& e) { return std::string_view(e.root()); });
    }

private:
    bool serves(std::size_t i) const {
        return with(i, [](auto const& e) { return serving(e); });
    }

    std::string_view name(std::size_t i) const {
        return with(i, [](auto const& e) { return std::string_view(e.name()); });
    }

    template <class F>
    decltype(auto) with(std::size_t i, F&& f) const {
        return boost::mp11::mp_with_index<count>(i, [&](auto I) -> decltype(auto) { return f(std::get<I>(all_)); });
    }

    all all_;
};

// A connection as the hub sees it: something stop() can close.
class connection {
public:
    virtual ~connection() = default;
    virtual void shut() = 0; // closes the connection on its own strand; callable from any thread
};

// The dispatches in progress on this thread, innermost first, so that a command which stops its own server
// does not wait for itself.
struct dispatch_mark {
    void const* hub;
    dispatch_mark const* outer;
};

inline dispatch_mark const*& innermost_dispatch() noexcept {
    thread_local dispatch_mark const* top = nullptr;
    return top;
}

// How a connection's bytes travel: plain TCP here; TLS in <mi/transport/https.hpp>. A layer wraps an accepted
// socket into the stream sessions read and write, opens it (a TLS handshake), and gives back the socket for
// what only TCP does (shutdown, cancel, close).
struct plain_layer {
    using stream_type = boost::asio::ip::tcp::socket;
    stream_type wrap(boost::asio::ip::tcp::socket socket) const { return socket; }
    static boost::asio::ip::tcp::socket& lowest(stream_type& s) noexcept { return s; }
    template <class Handler>
    static void open(stream_type&, Handler&& done) {
        std::forward<Handler>(done)(boost::system::error_code{});
    }
};

// What every part of one server shares, kept alive by whichever part goes last. Once stopped, nothing calls the
// dispatcher again and no answer is posted to the io_context, so that the dispatcher and the io_context may go
// as soon as `server::stop()` has returned, whatever asynchronous commands still hold a handle.
template <class Layer, class Dispatcher, class... Extra>
class hub {
public:
    using layer_type = Layer;

    hub(Layer layer, Dispatcher const& dispatcher, options o, Extra... extra)
        : layer_(std::move(layer)), dispatcher_(dispatcher), options_(std::move(o)),
          endpoints_(json_rpc(options_.root), std::move(extra)...),
          gate_(options_.access, options_.granted) {}

    Layer const& layer() const noexcept { return layer_; }
    options const& settings() const noexcept { return options_; }
    endpoints<Extra...> const& routes() const noexcept { return endpoints_; }
    gatekeeper const& gate() const noexcept { return gate_; }

    bool stopped() const {
        std::lock_guard lock(mutex_);
        return stopped_;
    }

    enum class admission { admitted, full, stopped };

    // Registers a new connection, unless the server is full or stopped.
    admission admit(std::shared_ptr<connection> const& c) {
        std::lock_guard lock(mutex_);
        if (stopped_) return admission::stopped;
        std::erase_if(connections_, [](auto const& w) { return w.expired(); });
        if (connections_.size() >= options_.max_connections) return admission::full;
        connections_.push_back(c);
        return admission::admitted;
    }

    // Connections being told 503 are not registered (stop() does not wait for them: they close within a
    // second), but they are counted, so that a flood of them is closed at once instead of answered.
    bool may_refuse_politely() noexcept {
        if (refusing_.fetch_add(1) < options_.max_connections) return true;
        refusing_.fetch_sub(1);
        return false;
    }
    void refused() noexcept { refusing_.fetch_sub(1); }

    /** Callers' contexts, and the limits they meet. */
    mi::transport::detail::identity const& identity() const noexcept { return identity_; }

    // Runs the dispatcher unless stopped; false when stopped.
    template <class OnAnswer>
    bool call(std::string_view request, context const& ctx, OnAnswer const& on_answer) {
        {
            std::lock_guard lock(mutex_);
            if (stopped_) return false;
            ++dispatching_;
        }
        dispatch_mark const mark{this, innermost_dispatch()};
        innermost_dispatch() = &mark;
        dispatcher_.async_call(request, ctx, on_answer);
        innermost_dispatch() = mark.outer;
        {
            std::lock_guard lock(mutex_);
            --dispatching_;
        }
        idle_.notify_all();
        return true;
    }

    // Posts `handler(session)` to a live session's strand unless stopped. Under the lock, so that stop() cannot
    // return (and the io_context go) between the check and the post.
    template <class Session, class Handler>
    void deliver(std::weak_ptr<Session> const& target, Handler handler) {
        std::lock_guard lock(mutex_);
        if (stopped_) return;
        auto session = target.lock();
        if (!session) return;
        auto executor = session->executor();
        boost::asio::post(executor, [session = std::move(session), handler = std::move(handler)]() mutable {
            handler(*session);
        });
    }

    // Marks the hub stopped, asks every connection to close, and waits for dispatcher calls on other threads.
    void stop() {
        std::unique_lock lock(mutex_);
        stopped_ = true;
        for (auto const& w : connections_)
            if (auto c = w.lock()) c->shut();
        connections_.clear();
        std::size_t own = 0;
        for (auto const* m = innermost_dispatch(); m; m = m->outer) own += m->hub == this;
        idle_.wait(lock, [&] { return dispatching_ <= own; });
    }

private:
    Layer layer_;
    Dispatcher const& dispatcher_;
    options options_;
    endpoints<Extra...> endpoints_;
    gatekeeper gate_;
    mi::transport::detail::identity const identity_{"http", options_.granted, &options_.on_limit};
    mutable std::mutex mutex_;
    std::condition_variable idle_;
    std::vector<std::weak_ptr<connection>> connections_;
    std::atomic<std::size_t> refusing_{0};
    std::size_t dispatching_ = 0;
    bool stopped_ = false;
};

// One connection: read a request, answer it, repeat while kept alive. Every member is touched on the socket's
// strand only; answers from other threads come in through hub::deliver. One timer serves every phase of the
// connection itself (what its expiry means depends on the phase it was armed in); an asynchronous command's
// final answer is awaited as on every transport, by a final_answer_wait.
template <class Hub>
class session final : public connection, public std::enable_shared_from_this<session<Hub>> {
    using tcp = boost::asio::ip::tcp;
    using error_code = boost::system::error_code;
    enum class phase { idle, reading, answering, writing, lingering, closed };

public:
    session(std::shared_ptr<Hub> h, tcp::socket socket)
        : hub_(std::move(h)), stream_(hub_->layer().wrap(std::move(socket))), executor_(lowest().get_executor()),
          timer_(executor_), answer_(executor_) {
        error_code ec;
        auto const peer = lowest().remote_endpoint(ec);
        if (!ec) peer_ = mi::transport::detail::text_of(peer);
    }

    tcp::socket::executor_type const& executor() const noexcept { return executor_; }

    // Opens the stream (a TLS handshake, under the read timeout), then reads the first request.
    void start() {
        boost::asio::post(executor(), [self = this->shared_from_this()] {
            self->arm(self->settings().read_timeout); // the idle phase: its deadline closes the connection
            Hub::layer_type::open(self->stream_, [self](error_code ec) {
                if (self->phase_ == phase::closed) return;
                if (ec) return self->close();
                self->read_next();
            });
        });
    }

    void shut() override {
        boost::asio::post(executor(), [self = this->shared_from_this()] { self->close(); });
    }

    // The server is full: 503 before any request is read, then close.
    void refuse() {
        refusing_ = true;
        hit("connections");
        boost::asio::post(executor(), [self = this->shared_from_this()] {
            self->send(beast_http::status::service_unavailable, {}, {}, false, true);
        });
    }

    ~session() {
        if (refusing_) hub_->refused();
    }

private:
    options const& settings() const noexcept { return hub_->settings(); }

    // One timer serves every phase, and it is not reset per request: moving the deadline is a store, and the
    // timer, when it fires early, waits again for what is left. Resetting a timer costs a cancelled wait, a
    // handler and a reference count each time, four times per request.
    void arm(std::chrono::milliseconds timeout) {
        deadline_ = std::chrono::steady_clock::now() + timeout;
        if (!waiting_ || deadline_ < timer_.expiry()) wait_for_deadline(); // only a sooner deadline resets it
    }

    void disarm() { deadline_ = std::chrono::steady_clock::time_point::max(); }

    void wait_for_deadline() {
        waiting_ = true;
        timer_.expires_at(deadline_); // a wait still pending completes as superseded
        timer_.async_wait([self = this->shared_from_this(), wait = waits_.next()](error_code ec) {
            if (!self->waits_.is_current(wait)) return;
            self->waiting_ = false;
            if (ec || self->phase_ == phase::closed || self->deadline_ == std::chrono::steady_clock::time_point::max())
                return;
            if (std::chrono::steady_clock::now() < self->deadline_) return self->wait_for_deadline();
            self->disarm();
            self->on_deadline();
        });
    }

    context caller() const noexcept { return hub_->identity().caller(peer_, granted_); }
    void hit(std::string_view limit) const noexcept { hub_->identity().hit(limit, caller()); }

    tcp::socket& lowest() noexcept { return Hub::layer_type::lowest(stream_); }

    void read_next() {
        if (phase_ == phase::closed) return;
        parser_.emplace();
        parser_->body_limit(settings().body_limit);
        parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(settings().header_limit, UINT32_MAX)));
        timed_out_ = false;
        version_ = 11;
        if (buffer_.size() != 0) return read_header(); // pipelined: the next request is already here
        // Wait for the first byte under the idle timeout; the read timeout starts with the request.
        phase_ = phase::idle;
        arm(settings().idle_timeout);
        stream_.async_read_some(buffer_.prepare(4096), [self = this->shared_from_this()](error_code ec, std::size_t n) {
            if (self->phase_ == phase::closed) return;
            if (ec) return self->close();
            self->buffer_.commit(n);
            self->read_header();
        });
    }

    // Requests mostly arrive whole in one read. Parsing what the buffer holds in place saves the composed read
    // operations Beast would otherwise start for the header and the body, each a trip through the strand.
    error_code parse_buffered() {
        error_code ec;
        while (buffer_.size() != 0 && !parser_->is_done()) {
            buffer_.consume(parser_->put(buffer_.data(), ec));
            if (ec == beast_http::error::need_more) return {};
            if (ec) return ec;
        }
        return {};
    }

    void read_header() {
        phase_ = phase::reading;
        arm(settings().read_timeout);
        if (auto const ec = parse_buffered()) return read_failed(ec);
        if (parser_->is_header_done()) return on_header();
        beast_http::async_read_header(stream_, buffer_, *parser_,
                                      [self = this->shared_from_this()](error_code ec, std::size_t) {
                                          if (self->phase_ == phase::closed) return;
                                          if (ec) return self->read_failed(ec);
                                          self->on_header();
                                      });
    }

    void on_header() {
        auto const& request = parser_->get();
        version_ = request.version() == 10 ? 10 : 11;
        if (version_ == 11 && !parser_->is_done() &&
            boost::beast::iequals(request[beast_http::field::expect], "100-continue")) {
            // curl sends this for larger bodies and otherwise waits a second before sending the body.
            static constexpr std::string_view continue_100 = "HTTP/1.1 100 Continue\r\n\r\n";
            return boost::asio::async_write(stream_, boost::asio::buffer(continue_100.data(), continue_100.size()),
                                            [self = this->shared_from_this()](error_code ec, std::size_t) {
                                                if (self->phase_ == phase::closed) return;
                                                if (ec) return self->read_failed(ec);
                                                self->read_body();
                                            });
        }
        read_body();
    }

    void read_body() {
        if (auto const ec = parse_buffered()) return read_failed(ec);
        if (parser_->is_done()) {
            disarm();
            return on_request();
        }
        auto on_read = [self = this->shared_from_this()](error_code ec, std::size_t) {
            if (self->phase_ == phase::closed) return;
            if (ec) return self->read_failed(ec);
            self->read_body(); // the parser is done now
        };
        beast_http::async_read(stream_, buffer_, *parser_, std::move(on_read));
    }

    // The stream's position is unknown after any of these, so every answer here closes the connection.
    void read_failed(error_code ec) {
        using beast_http::status;
        auto refuse = [&](std::string_view limit, status answer) {
            hit(limit);
            send(answer, {}, {}, false, true);
        };
        if (timed_out_) return refuse("timeout", status::request_timeout);
        if (ec == beast_http::error::body_limit) return refuse("body", status::payload_too_large);
        if (ec == beast_http::error::header_limit) return refuse("header", status::request_header_fields_too_large);
        if (ec.category() == make_error_code(beast_http::error::end_of_stream).category() &&
            ec != beast_http::error::end_of_stream && ec != beast_http::error::partial_message)
            return send(status::bad_request, {}, {}, false, true); // malformed
        close();                                                   // the peer went away
    }

    request_view view() const {
        auto const& request = parser_->get();
        return {request.method(), request.target(), request[beast_http::field::content_type], request.body()};
    }

    void on_request() {
        keep_alive_ = parser_->get().keep_alive();
        if (++served_ >= settings().max_requests_per_connection && keep_alive_) {
            keep_alive_ = false; // this response closes the connection; the client opens another
            hit("requests_per_connection");
        }
        auto const& gate = hub_->gate();
        auto const granted = gate.admits(parser_->get()[beast_http::field::authorization]);
        if (!granted) {
            // httpd's check comes first, for every request: nothing about the server is told before it
            send(beast_http::status::unauthorized, html_type, std::string(unauthorized_page), false, false,
                 gate.challenges());
            return;
        }
        granted_ = *granted;
        auto const request = view();
        routing r = hub_->routes().route(request, endpoint_, scratch_);
        if (!r.call.empty()) return dispatch(r.call);
        send(std::move(r.now), request.method == beast_http::verb::head, false);
    }

    // The session dispatching on this thread, on its strand: an answer given before the dispatcher returns
    // (most are) is handled in place instead of posted.
    static session*& answering_here() noexcept {
        thread_local session* current = nullptr;
        return current;
    }

    using call_ticket = mi::transport::detail::final_answer_wait::ticket;

    // The on_answer of async_call: copied into asynchronous commands and called from any thread. An answer that
    // comes after the deadline, or after the connection closed, is dropped here.
    struct answer_sink {
        std::shared_ptr<Hub> owner;
        std::weak_ptr<session> target;
        session* here;
        call_ticket call;

        void operator()(answer const& a) const {
            if (a.kind == answer_kind::provisional) return; // spec 3.5: HTTP waits for the final answer
            if (answering_here() == here) { // on the strand, inside dispatch: no post, unless stopped meanwhile
                if (!owner->stopped() && here->answer_.end(call)) here->on_answer(a.kind, std::string(a.text));
                return;
            }
            auto const s = target.lock();
            if (!s || !s->answer_.end(call)) return;
            owner->deliver(target, [text = std::string(a.text), kind = a.kind](session& s) mutable {
                s.on_answer(kind, std::move(text));
            });
        }
    };

    void dispatch(std::string_view body) {
        phase_ = phase::answering;
        auto const call = answer_.begin();
        answer_sink const sink{hub_, this->weak_from_this(), this, call};
        session* const outer = std::exchange(answering_here(), this);
        bool const called = hub_->call(body, caller(), sink);
        answering_here() = outer;
        if (!called) return close(); // stopped meanwhile
        answer_.expire_after(call, settings().async_timeout, [self = this->shared_from_this()] { self->answer_late(); });
    }

    void on_answer(answer_kind kind, std::string text) {
        if (phase_ != phase::answering) return; // the connection closed meanwhile
        send(hub_->routes().render(endpoint_, view(), kind, std::move(text)), false, false);
    }

    // The final answer did not come within async_timeout: the endpoint's failure (500), and a later answer dropped.
    void answer_late() {
        if (phase_ != phase::answering) return;
        hit("timeout");
        send(hub_->routes().render(endpoint_, view(), answer_kind::failed, {}), false, false);
    }

    void on_deadline() {
        switch (phase_) {
        case phase::reading: {
            // Cancel alone may miss a composed read between two of its reads; a shut receive side ends it at once.
            timed_out_ = true;
            error_code ec;
            lowest().shutdown(tcp::socket::shutdown_receive, ec);
            lowest().cancel(ec);
            return;
        }
        case phase::writing: // a client that does not read its response holds nothing longer than this
            hit("timeout");
            return close();
        case phase::closed: return;
        default: return close(); // idle, lingering (answering has no deadline here: see answer_late)
        }
    }

    void send(reply r, bool head, bool close_after) {
        send(r.status, r.content_type, std::move(r.body), head, close_after);
    }

    void send(beast_http::status status, std::string_view content_type, std::string body, bool head, bool close_after,
              std::span<std::string const> challenges = {}) {
        phase_ = phase::writing;
        arm(settings().read_timeout);
        response_ = {};
        response_.version(version_);
        response_.result(status);
        if (!content_type.empty()) response_.set(beast_http::field::content_type, content_type);
        for (auto const& c : challenges) response_.insert(beast_http::field::www_authenticate, c);
        response_.body() = std::move(body);
        response_.prepare_payload();
        if (head) response_.body().clear(); // a HEAD response keeps its Content-Length but carries no body
        response_.keep_alive(keep_alive_ && !close_after);
        beast_http::async_write(stream_, response_, [self = this->shared_from_this()](error_code ec, std::size_t) {
            if (self->phase_ == phase::closed) return;
            if (ec) return self->close();
            if (!self->response_.keep_alive()) return self->linger();
            self->read_next();
        });
    }

    // Closing with unread input makes the kernel send a reset, which can destroy the response before the client
    // reads it (a 413 whose body was not read, a pipelined request after Connection: close). So: shut the send
    // side, read and discard until the peer closes, for at most a second.
    void linger() {
        phase_ = phase::lingering;
        error_code ec;
        lowest().shutdown(tcp::socket::shutdown_send, ec);
        arm(std::min<std::chrono::milliseconds>(settings().read_timeout, std::chrono::seconds(1)));
        drain();
    }

    void drain() {
        auto on_read = [self = this->shared_from_this()](error_code ec, std::size_t) {
            if (self->phase_ == phase::closed) return;
            if (ec) return self->close();
            self->drain();
        };
        lowest().async_read_some(boost::asio::buffer(discard_), std::move(on_read)); // raw bytes: only discarded
    }

    void close() {
        if (phase_ == phase::closed) return;
        phase_ = phase::closed;
        disarm();
        waits_.next(); // the pending wait, cancelled here, must not keep this session alive until it would expire
        waiting_ = false;
        timer_.cancel();
        answer_.cancel();
        error_code ec;
        lowest().shutdown(tcp::socket::shutdown_both, ec);
        lowest().close(ec);
    }

    std::shared_ptr<Hub> hub_;
    typename Hub::layer_type::stream_type stream_;
    tcp::socket::executor_type const executor_; // the strand; a copy, read by hub::deliver from other threads
    boost::asio::steady_timer timer_;
    boost::beast::flat_buffer buffer_;
    std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
    beast_http::response<beast_http::string_body> response_;
    std::string peer_;
    std::string scratch_;       // a translated request (XML-RPC, HTML) while it is dispatched
    std::size_t endpoint_ = 0;  // the endpoint that routed the request being answered
    std::array<char, 4096> discard_;
    phase phase_ = phase::idle;
    std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max(); // max: none
    mi::transport::detail::generation waits_; // of the timer: a completion of an older wait does nothing
    bool waiting_ = false;                    // the timer has a current wait pending
    mi::transport::detail::final_answer_wait answer_; // for the dispatched request's final answer
    std::size_t served_ = 0;     // requests read on this connection
    permission granted_ = permission::admin; // what the request being answered may do, from its credentials
    bool refusing_ = false;      // told 503 because the server is full
    unsigned version_ = 11;
    bool keep_alive_ = false;
    bool timed_out_ = false;
};

// Accepts connections on its own strand; each gets a strand of its own.
template <class Hub>
class listener : public std::enable_shared_from_this<listener<Hub>> {
    using tcp = boost::asio::ip::tcp;
    using error_code = boost::system::error_code;

public:
    listener(boost::asio::io_context& io, std::shared_ptr<Hub> h)
        : io_(io), hub_(std::move(h)), acceptor_(boost::asio::make_strand(io)), retry_(acceptor_.get_executor()) {}

    // Binds and listens, from the thread that calls server::start (no handler runs yet). Throws.
    tcp::endpoint open(tcp::endpoint const& where) {
        auto fail = [&](error_code ec, char const* what) {
            throw boost::system::system_error(ec, "mi::http: cannot " + std::string(what) + ' ' +
                                                      mi::transport::detail::text_of(where));
        };
        error_code ec;
        if (acceptor_.open(where.protocol(), ec); ec) fail(ec, "open a socket for");
        if (acceptor_.set_option(tcp::acceptor::reuse_address(true), ec); ec) fail(ec, "set SO_REUSEADDR for");
        if (acceptor_.bind(where, ec); ec) fail(ec, "bind");
        if (acceptor_.listen(tcp::socket::max_listen_connections, ec); ec) fail(ec, "listen on");
        auto const bound = acceptor_.local_endpoint(ec);
        if (ec) fail(ec, "read the address of");
        return bound;
    }

    void start() {
        boost::asio::post(acceptor_.get_executor(), [self = this->shared_from_this()] { self->accept(); });
    }

    void shut() {
        boost::asio::post(acceptor_.get_executor(), [self = this->shared_from_this()] {
            error_code ec;
            self->acceptor_.close(ec);
            self->retry_.cancel();
        });
    }

private:
    void accept() {
        if (!acceptor_.is_open()) return;
        auto accepted = [self = this->shared_from_this()](error_code ec, tcp::socket s) {
            self->on_accept(ec, std::move(s));
        };
        acceptor_.async_accept(boost::asio::make_strand(io_), std::move(accepted));
    }

    void on_accept(error_code ec, tcp::socket socket) {
        if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open() || hub_->stopped()) return;
        if (ec && ec != boost::asio::error::connection_aborted) {
            // Out of descriptors or buffers: try again shortly instead of spinning on the error.
            retry_.expires_after(std::chrono::milliseconds(50));
            retry_.async_wait([self = this->shared_from_this()](error_code e) {
                if (!e) self->accept();
            });
            return;
        }
        if (!ec) {
            auto s = std::make_shared<session<Hub>>(hub_, std::move(socket));
            switch (hub_->admit(s)) {
            case Hub::admission::admitted: s->start(); break;
            case Hub::admission::full:
                if (hub_->may_refuse_politely()) s->refuse();
                break; // else the socket closes with `s`, at once
            case Hub::admission::stopped: break;
            }
        }
        accept();
    }

    boost::asio::io_context& io_;
    std::shared_ptr<Hub> hub_;
    tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_;
};

} // namespace detail

/** JSON-RPC over HTTP/1.0 and 1.1 (spec 6.3): `POST /root` with a JSON body, answered 200 with the JSON-RPC
    response, 202 for a notification, 500 when a command fails or an asynchronous one does not answer within
    `options::async_timeout`, and httpd's 400/405/406 for what is not a JSON-RPC call; 413 for a body over
    `options::body_limit`, 431 for headers over `options::header_limit`, 408 when a request does not arrive
    within `options::read_timeout`, 503 to a connection beyond `options::max_connections`, 401 without the
    credentials `options::access` asks for. Connections are kept alive as the client asks, for at most
    `options::max_requests_per_connection` requests.

    `basic_server` is the server over any layer: `server` (plain TCP, below) and `mi::https::server` (TLS).

    Other endpoints (`mi::http::endpoint`s: `mi::html::page`, `mi::xmlrpc::endpoint`) may share the port under
    roots of their own; a request goes to the endpoint with the longest root its path is under.

    Runs on the caller's io_context, which any number of threads may run: each connection has a strand, and
    the dispatcher is called on it. An asynchronous command's answer may come from any thread; the io_context
    is never blocked waiting for it.

        mi::transport::background loop;
        mi::http::server http(loop.context(), dispatcher, {.port = 8888});
        http.start();

    @tparam Dispatcher an `mi::dispatcher` (anything with its `async_call`); it must outlive the server.
    @tparam Extra endpoints served besides JSON-RPC, each under its own root. */
template <class Layer, class Dispatcher, endpoint... Extra>
    requires mi::transport::async_dispatcher<Dispatcher>
class basic_server {
    using hub_type = detail::hub<Layer, Dispatcher, Extra...>;

public:
    /** Prepares a server; nothing is bound until `start`.
        @throws std::invalid_argument when two endpoints (JSON-RPC's is `options::root`) have one root. */
    basic_server(boost::asio::io_context& io, Layer layer, Dispatcher const& dispatcher, options o, Extra... extra)
        : io_(io), hub_(std::make_shared<hub_type>(std::move(layer), dispatcher, std::move(o), std::move(extra)...)) {}

    basic_server(basic_server const&) = delete;
    basic_server& operator=(basic_server const&) = delete;

    /** Stops (see `stop`). */
    ~basic_server() { stop(); }

    /** Binds, listens and starts accepting.
        @par Exception Safety
        Throws `boost::system::system_error` naming the address when it is not an IP literal or cannot be
        bound; `std::logic_error` when called twice or after `stop`. */
    void start() {
        if (listener_ || hub_->stopped()) throw std::logic_error("mi::http: a server starts once, before stop()");
        auto const& o = hub_->settings();
        boost::system::error_code ec;
        auto const address = boost::asio::ip::make_address(o.address, ec);
        if (ec) throw boost::system::system_error(ec, "mi::http: bad listen address '" + o.address + '\'');
        auto l = std::make_shared<detail::listener<hub_type>>(io_, hub_);
        endpoint_ = l->open({address, o.port});
        listener_ = std::move(l);
        listener_->start();
    }

    /** Stops accepting and closes every connection; answers still to come are dropped. Any thread may call it,
        a command handler included. When it returns, the server no longer calls the dispatcher and posts
        nothing more to the io_context (it waits for dispatcher calls running on other threads); the closing
        itself runs on the io_context. Idempotent. */
    void stop() {
        hub_->stop();
        if (listener_) listener_->shut();
    }

    /** The address bound by `start` (with the port chosen when `options::port` was 0). */
    boost::asio::ip::tcp::endpoint local_endpoint() const noexcept { return endpoint_; }

private:
    boost::asio::io_context& io_;
    std::shared_ptr<hub_type> hub_;
    std::shared_ptr<detail::listener<hub_type>> listener_;
    boost::asio::ip::tcp::endpoint endpoint_;
};

/** The HTTP server over plain TCP; <mi/transport/https.hpp> has the same over TLS. */
template <class Dispatcher, endpoint... Extra>
    requires mi::transport::async_dispatcher<Dispatcher>
class server : public basic_server<detail::plain_layer, Dispatcher, Extra...> {
public:
    /** Prepares a server; nothing is bound until `start`.
        @throws std::invalid_argument when two endpoints (JSON-RPC's is `options::root`) have one root. */
    server(boost::asio::io_context& io, Dispatcher const& dispatcher, options o = {}, Extra... extra)
        : basic_server<detail::plain_layer, Dispatcher, Extra...>(io, detail::plain_layer{}, dispatcher, std::move(o),
                                                                  std::move(extra)...) {}
};

} // namespace mi::http
