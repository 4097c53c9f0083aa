// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// A small blocking client for the four MI transports, behaving as python-opensips does on the wire (spec 7):
// what mi-cli is built on, and what a C++ program can use to manage an mi (or OpenSIPS) daemon.

#include <mi/error.hpp>
#include <mi/jsonrpc.hpp>
#include <mi/transport/address.hpp>
#include <mi/transport/detail/base64.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace mi::client {

/** The transport failed: nothing listening, no reply in time, a reply that is not JSON-RPC. */
class failure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct fifo_options {
    std::string path = "/tmp/opensips_fifo";
    std::string reply_dir = "/tmp/"; ///< must be the daemon's reply_dir
    std::chrono::milliseconds timeout{10000};
};

struct datagram_options {
    std::string socket = "udp:127.0.0.1:8080"; ///< "udp:HOST:PORT", or the path of a UNIX datagram socket
    std::chrono::milliseconds timeout{1000};
    std::size_t buffer_size = 65535;
};

struct http_options {
    std::string url = "http://127.0.0.1:8888/mi"; ///< http:// or https:// (https needs <mi/transport/https_client.hpp>)
    std::chrono::milliseconds timeout{10000};
    std::string user{};     ///< HTTP Basic credentials, with `password`; a URL's `user:password@` gives them too
    std::string password{}; ///< never part of an error message
    std::string token{};    ///< a bearer token (`Authorization: Bearer`), sent instead of Basic credentials
    std::string ca_file{};  ///< https://: the CA certificates (PEM) the server's must chain to; empty: the system's
    bool verify_certificate = true; ///< https://: false accepts any certificate for any name (tests only)
};

namespace detail {

[[noreturn]] inline void fail(std::string what) {
    if (errno) what += std::string(": ") + std::strerror(errno);
    throw failure(what);
}

// Closes a descriptor and unlinks a path when the call ends, however it ends; moved, the new owner does.
struct scoped_fd {
    int fd = -1;
    scoped_fd() = default;
    explicit scoped_fd(int owned) noexcept : fd(owned) {}
    scoped_fd(scoped_fd&& other) noexcept : fd(std::exchange(other.fd, -1)) {}
    scoped_fd& operator=(scoped_fd&&) = delete;
    ~scoped_fd() {
        if (fd >= 0) ::close(fd);
    }
};
struct scoped_unlink {
    std::string path;
    scoped_unlink() = default;
    explicit scoped_unlink(std::string owned) noexcept : path(std::move(owned)) {}
    scoped_unlink(scoped_unlink&& other) noexcept : path(std::exchange(other.path, {})) {}
    scoped_unlink& operator=(scoped_unlink&&) = delete;
    ~scoped_unlink() {
        if (!path.empty()) ::unlink(path.c_str());
    }
};

inline std::string unique_name(std::string_view prefix) {
    static std::atomic<unsigned> counter{0};
    return std::string(prefix) + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

// Waits for `events` on fd; false when the time is up.
inline bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline, short* got = nullptr) {
    for (;;) {
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd, events, 0};
        int const n = ::poll(&p, 1, static_cast<int>(left.count()));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail("poll");
        if (n == 0) return false;
        if (got) *got = p.revents;
        return true;
    }
}

} // namespace detail

namespace detail {

// A FIFO request written: the reply FIFO of our own, open for reading, which the daemon writes the answer into
// and closes. Shared by the blocking call and the awaitable one (<mi/transport/async_client.hpp>).
struct fifo_sent {
    scoped_unlink reply;
    scoped_fd in;
    std::string answer;

    // Reads what the reply FIFO holds; true once the daemon has closed it (the answer is whole). `hung_up` says
    // poll saw the daemon's end closed, so that a read of nothing is the end: a FIFO reported readable may read
    // nothing while the daemon is still to write (seen with epoll).
    bool read_some(bool hung_up) {
        bool ready = hung_up;
        char buffer[65536];
        for (;;) {
            ssize_t const n = ::read(in.fd, buffer, sizeof buffer);
            if (n > 0) answer.append(buffer, static_cast<std::size_t>(n));
            else if (n == 0) return ready;
            else if (errno == EINTR) continue;
            else if (errno == EAGAIN) return false;
            else fail("cannot read " + reply.path);
            ready = false; // after data, only a hang-up ends it
        }
    }
};

inline fifo_sent send_fifo(fifo_options const& o, std::string_view request) {
    struct stat st {};
    if (::stat(o.path.c_str(), &st) != 0 || !S_ISFIFO(st.st_mode))
        throw failure("FIFO " + o.path + " does not exist or is not a FIFO: is the daemon running?");
    std::string const name = unique_name("mi_fifo_reply_");
    std::string dir = o.reply_dir;
    if (!dir.empty() && dir.back() != '/') dir.push_back('/');
    fifo_sent sent{scoped_unlink(dir + name), scoped_fd(), {}};
    errno = 0;
    if (::mkfifo(sent.reply.path.c_str(), 0666) != 0) {
        std::string const path = std::exchange(sent.reply.path, {});
        fail("cannot create the reply FIFO " + path);
    }
    ::chmod(sent.reply.path.c_str(), 0666); // the daemon may run as another user

    // Open the reply end first, without waiting for a writer, so that the daemon finds a reader at once.
    sent.in.fd = ::open(sent.reply.path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (sent.in.fd < 0) fail("cannot open " + sent.reply.path);
    scoped_fd const out(::open(o.path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
    if (out.fd < 0) fail("nobody reads " + o.path + ": is the daemon running?");
    std::string const framed = ":" + name + ":" + std::string(request);
    if (::write(out.fd, framed.data(), framed.size()) != static_cast<ssize_t>(framed.size()))
        fail("cannot write to " + o.path);
    return sent;
}

// A datagram sent from a socket of our own (bound to a path of our own for a UNIX socket), where the reply comes.
struct datagram_sent {
    scoped_fd sock;
    scoped_unlink own;

    std::string receive(datagram_options const& o) const {
        std::string answer(o.buffer_size, '\0');
        ssize_t const n = ::recv(sock.fd, answer.data(), answer.size(), 0);
        if (n < 0) fail("cannot receive from " + o.socket);
        answer.resize(static_cast<std::size_t>(n));
        return answer;
    }
};

inline datagram_sent send_datagram(datagram_options const& o, std::string_view request) {
    datagram_sent sent;
    sockaddr_storage to{};
    socklen_t to_length = 0;
    errno = 0;
    if (o.socket.starts_with("udp:")) {
        auto const address = transport::parse_host_port(std::string_view(o.socket).substr(4));
        if (!address) throw failure("expected udp:HOST:PORT, got " + o.socket);
        addrinfo hints{};
        hints.ai_socktype = SOCK_DGRAM;
        addrinfo* found = nullptr;
        if (int const e = ::getaddrinfo(address->host.c_str(), std::to_string(address->port).c_str(), &hints, &found);
            e != 0)
            throw failure("cannot resolve " + o.socket + ": " + ::gai_strerror(e));
        std::memcpy(&to, found->ai_addr, found->ai_addrlen);
        to_length = found->ai_addrlen;
        sent.sock.fd = ::socket(found->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ::freeaddrinfo(found);
    } else {
        sockaddr_un un{};
        un.sun_family = AF_UNIX;
        if (o.socket.size() >= sizeof un.sun_path) throw failure("socket path too long: " + o.socket);
        std::memcpy(un.sun_path, o.socket.c_str(), o.socket.size() + 1);
        std::memcpy(&to, &un, sizeof un);
        to_length = sizeof un;
        sent.sock.fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sent.sock.fd >= 0) {
            sockaddr_un mine{};
            mine.sun_family = AF_UNIX;
            std::string const path = "/tmp/" + unique_name("mi_reply_");
            std::memcpy(mine.sun_path, path.c_str(), path.size() + 1);
            if (::bind(sent.sock.fd, reinterpret_cast<sockaddr const*>(&mine), sizeof mine) != 0) fail("cannot bind " + path);
            sent.own.path = path;
        }
    }
    if (sent.sock.fd < 0) fail("cannot open a socket");
    if (::sendto(sent.sock.fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr const*>(&to), to_length) < 0)
        fail("cannot send to " + o.socket);
    return sent;
}

} // namespace detail

/** One request over the FIFO transport (spec 7.2): a reply FIFO of our own in `reply_dir`, `:name:request`
    written to the daemon's FIFO, the reply read to EOF. Empty for a notification. */
inline std::string fifo_call(fifo_options const& o, std::string_view request) {
    auto sent = detail::send_fifo(o, request);
    auto const deadline = std::chrono::steady_clock::now() + o.timeout;
    for (;;) {
        short got = 0;
        if (!detail::wait_for(sent.in.fd, POLLIN, deadline, &got)) throw failure("no reply from " + o.path + " in time");
        if (sent.read_some((got & POLLHUP) != 0)) return std::move(sent.answer); // the daemon wrote and closed
    }
}

/** One request over UDP or a UNIX datagram socket (spec 7.3): one datagram out, one back. A UNIX client
    binds a path of its own, where the daemon replies. */
inline std::string datagram_call(datagram_options const& o, std::string_view request) {
    auto const sent = detail::send_datagram(o, request);
    if (!detail::wait_for(sent.sock.fd, POLLIN, std::chrono::steady_clock::now() + o.timeout))
        throw failure("no reply from " + o.socket + " in time");
    return sent.receive(o);
}

namespace detail {

// An http:// or https:// URL taken apart; `shown` is the URL without its credentials, for messages.
struct http_target {
    bool tls = false;
    std::string host;
    std::uint16_t port = 80;
    std::string authority; // host[:port], the Host header
    std::string path;
    std::string user, password;
    std::string shown;
};

inline http_target parse_url(std::string_view url) {
    http_target t;
    t.tls = url.starts_with("https://");
    if (!t.tls && !url.starts_with("http://")) throw failure("expected an http:// or https:// URL");
    url.remove_prefix(t.tls ? 8 : 7);
    auto const slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    t.path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    if (auto const at = authority.rfind('@'); at != std::string_view::npos) {
        auto const userinfo = authority.substr(0, at);
        auto const colon = userinfo.find(':');
        t.user = std::string(userinfo.substr(0, colon));
        if (colon != std::string_view::npos) t.password = std::string(userinfo.substr(colon + 1));
        authority.remove_prefix(at + 1);
    }
    t.authority = std::string(authority);
    t.shown = std::string(t.tls ? "https://" : "http://") + t.authority + t.path;
    auto const address = transport::parse_host_port(authority, t.tls ? 443 : 80);
    if (!address) throw failure("bad host or port in " + t.shown);
    t.host = address->host;
    t.port = address->port;
    return t;
}

// The POST of `body`, with the credentials the options or the URL give.
inline boost::beast::http::request<boost::beast::http::string_body> http_request(http_options const& o,
                                                                                 http_target const& t,
                                                                                 std::string_view body) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req(http::verb::post, t.path, 11);
    req.set(http::field::host, t.authority);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::connection, "close");
    if (!o.token.empty()) req.set(http::field::authorization, "Bearer " + o.token);
    else if (auto const& user = o.user.empty() ? t.user : o.user; !user.empty())
        req.set(http::field::authorization,
                "Basic " + transport::detail::base64(user + ':' + (o.user.empty() ? t.password : o.password)));
    req.body() = std::string(body);
    req.prepare_payload();
    return req;
}

// The answer's body for 200, empty for 202 (a notification); any other status is a failure that says which, and
// never what the credentials were.
inline std::string http_answer(http_target const& t, boost::beast::http::response<boost::beast::http::string_body> res) {
    namespace http = boost::beast::http;
    if (res.result() == http::status::accepted) return {};
    if (res.result() == http::status::unauthorized)
        throw failure(t.shown + " answered HTTP 401: credentials missing or refused");
    if (res.result() != http::status::ok) throw failure(t.shown + " answered HTTP " + std::to_string(res.result_int()));
    return std::move(res.body());
}

// One exchange on a connected stream, TCP or TLS.
template <class Stream>
std::string http_exchange(Stream& stream, http_options const& o, http_target const& t, std::string_view body) {
    boost::beast::http::write(stream, http_request(o, t, body));
    boost::beast::flat_buffer buffer;
    boost::beast::http::response<boost::beast::http::string_body> res;
    boost::beast::http::read(stream, buffer, res);
    return http_answer(t, std::move(res));
}

// The HTTPS exchange, which needs OpenSSL: installed by <mi/transport/https_client.hpp>, so that a program that
// speaks plain HTTP need not link it.
using https_exchange_fn = std::string (*)(http_options const&, http_target const&, std::string_view);
inline https_exchange_fn& https_exchange() noexcept {
    static https_exchange_fn installed = nullptr;
    return installed;
}

} // namespace detail

/** One request over HTTP or HTTPS (spec 7.4): POST with Content-Type application/json, with Basic credentials or a
    bearer token when given. Empty for 202 (a notification); any other status than 200 is a failure. */
inline std::string http_call(http_options const& o, std::string_view request) {
    auto const t = detail::parse_url(o.url);
    if (t.tls) {
        if (!detail::https_exchange())
            throw failure("https:// needs #include <mi/transport/https_client.hpp> (and the mi::https target)");
        return detail::https_exchange()(o, t, request);
    }
    try {
        boost::asio::io_context io;
        boost::beast::tcp_stream stream(io);
        stream.expires_after(o.timeout);
        stream.connect(boost::asio::ip::tcp::resolver(io).resolve(t.host, std::to_string(t.port)));
        return detail::http_exchange(stream, o, t, request);
    } catch (boost::system::system_error const& e) {
        throw failure(t.shown + ": " + e.code().message());
    }
}

/** A daemon reached over one transport. `call` builds the request as python-opensips does and returns the
    result; a JSON-RPC error is thrown as mi::error, a transport failure as mi::client::failure. */
class connection {
public:
    using target = std::variant<fifo_options, datagram_options, http_options>;
    explicit connection(target t) : target_(std::move(t)) {}

    /** Where the daemon is. */
    target const& where() const noexcept { return target_; }

    /** The reply text to a request text. */
    std::string raw(std::string_view request) const {
        return std::visit(
            [&](auto const& o) -> std::string {
                using T = std::decay_t<decltype(o)>;
                if constexpr (std::is_same_v<T, fifo_options>) return fifo_call(o, request);
                else if constexpr (std::is_same_v<T, datagram_options>) return datagram_call(o, request);
                else return http_call(o, request);
            },
            target_);
    }

    /** Calls `method`; `params` is an array, an object, or null for none (sent as `{}`, as opensips-cli does). */
    boost::json::value call(std::string_view method, boost::json::value const& params = nullptr) const {
        static thread_local std::minstd_rand ids(static_cast<unsigned>(::getpid()));
        boost::json::object request;
        request["jsonrpc"] = "2.0";
        request["id"] = std::to_string(ids() % 32768);
        request["method"] = method;
        request["params"] = params.is_null() ? boost::json::value(boost::json::object()) : params;
        std::string const text = raw(boost::json::serialize(request));
        boost::system::error_code ec;
        auto reply = boost::json::parse(text, ec);
        if (ec || !reply.is_object()) throw failure("the reply is not JSON: " + text);
        auto const parts = jsonrpc::read_response(reply);
        if (parts->error) throw jsonrpc::error_of(*parts->error, 500); // a code that is no number: 500
        if (parts->result) return *parts->result;
        throw mi::error(static_cast<int>(mi::errc::internal_error), "Internal error"); // as python-opensips does
    }

private:
    target target_;
};

} // namespace mi::client
