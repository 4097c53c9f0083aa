// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// A small blocking client for the four MI transports, behaving as python-opensips does on the wire (spec 7):
// what mi-cli is built on, and what a C++ program can use to manage an mi (or OpenSIPS) daemon.

#include <mi/error.hpp>
#include <mi/jsonrpc.hpp>
#include <mi/transport/address.hpp>

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
    std::string url = "http://127.0.0.1:8888/mi";
    std::chrono::milliseconds timeout{10000};
};

namespace detail {

[[noreturn]] inline void fail(std::string what) {
    if (errno) what += std::string(": ") + std::strerror(errno);
    throw failure(what);
}

// Closes a descriptor and unlinks a path when the call ends, however it ends.
struct scoped_fd {
    int fd = -1;
    ~scoped_fd() {
        if (fd >= 0) ::close(fd);
    }
};
struct scoped_unlink {
    std::string path;
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

/** One request over the FIFO transport (spec 7.2): a reply FIFO of our own in `reply_dir`, `:name:request`
    written to the daemon's FIFO, the reply read to EOF. Empty for a notification. */
inline std::string fifo_call(fifo_options const& o, std::string_view request) {
    struct stat st {};
    if (::stat(o.path.c_str(), &st) != 0 || !S_ISFIFO(st.st_mode))
        throw failure("FIFO " + o.path + " does not exist or is not a FIFO: is the daemon running?");
    std::string const name = detail::unique_name("mi_fifo_reply_");
    std::string dir = o.reply_dir;
    if (!dir.empty() && dir.back() != '/') dir.push_back('/');
    detail::scoped_unlink reply{dir + name};
    errno = 0;
    if (::mkfifo(reply.path.c_str(), 0666) != 0) {
        std::string const path = std::exchange(reply.path, {});
        detail::fail("cannot create the reply FIFO " + path);
    }
    ::chmod(reply.path.c_str(), 0666); // the daemon may run as another user

    // Open the reply end first, without waiting for a writer, so that the daemon finds a reader at once.
    detail::scoped_fd in{::open(reply.path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
    if (in.fd < 0) detail::fail("cannot open " + reply.path);
    {
        detail::scoped_fd out{::open(o.path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC)};
        if (out.fd < 0) detail::fail("nobody reads " + o.path + ": is the daemon running?");
        std::string const framed = ":" + name + ":" + std::string(request);
        if (::write(out.fd, framed.data(), framed.size()) != static_cast<ssize_t>(framed.size()))
            detail::fail("cannot write to " + o.path);
    }
    auto const deadline = std::chrono::steady_clock::now() + o.timeout;
    std::string answer;
    char buffer[65536];
    for (;;) {
        short got = 0;
        if (!detail::wait_for(in.fd, POLLIN, deadline, &got)) throw failure("no reply from " + o.path + " in time");
        ssize_t const n = ::read(in.fd, buffer, sizeof buffer);
        if (n > 0) answer.append(buffer, static_cast<std::size_t>(n));
        else if (n == 0 && (got & POLLHUP)) return answer; // the daemon wrote and closed
        else if (n < 0 && errno != EAGAIN && errno != EINTR) detail::fail("cannot read " + reply.path);
    }
}

/** One request over UDP or a UNIX datagram socket (spec 7.3): one datagram out, one back. A UNIX client
    binds a path of its own, where the daemon replies. */
inline std::string datagram_call(datagram_options const& o, std::string_view request) {
    detail::scoped_fd sock;
    detail::scoped_unlink own;
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
        sock.fd = ::socket(found->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ::freeaddrinfo(found);
    } else {
        sockaddr_un un{};
        un.sun_family = AF_UNIX;
        if (o.socket.size() >= sizeof un.sun_path) throw failure("socket path too long: " + o.socket);
        std::memcpy(un.sun_path, o.socket.c_str(), o.socket.size() + 1);
        std::memcpy(&to, &un, sizeof un);
        to_length = sizeof un;
        sock.fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock.fd >= 0) {
            sockaddr_un mine{};
            mine.sun_family = AF_UNIX;
            std::string const path = "/tmp/" + detail::unique_name("mi_reply_");
            std::memcpy(mine.sun_path, path.c_str(), path.size() + 1);
            if (::bind(sock.fd, reinterpret_cast<sockaddr const*>(&mine), sizeof mine) != 0) detail::fail("cannot bind " + path);
            own.path = path;
        }
    }
    if (sock.fd < 0) detail::fail("cannot open a socket");
    if (::sendto(sock.fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr const*>(&to), to_length) < 0)
        detail::fail("cannot send to " + o.socket);
    if (!detail::wait_for(sock.fd, POLLIN, std::chrono::steady_clock::now() + o.timeout))
        throw failure("no reply from " + o.socket + " in time");
    std::string answer(o.buffer_size, '\0');
    ssize_t const n = ::recv(sock.fd, answer.data(), answer.size(), 0);
    if (n < 0) detail::fail("cannot receive from " + o.socket);
    answer.resize(static_cast<std::size_t>(n));
    return answer;
}

/** One request over HTTP (spec 7.4): POST with Content-Type application/json. Empty for 202 (a
    notification); any other status than 200 is a failure. */
inline std::string http_call(http_options const& o, std::string_view request) {
    namespace http = boost::beast::http;
    std::string_view url = o.url;
    if (!url.starts_with("http://")) throw failure("only http:// URLs are supported: " + o.url);
    url.remove_prefix(7);
    auto const slash = url.find('/');
    std::string_view const authority = url.substr(0, slash);
    std::string const target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    auto const address = transport::parse_host_port(authority, 80);
    if (!address) throw failure("bad host or port in " + o.url);
    try {
        boost::asio::io_context io;
        boost::beast::tcp_stream stream(io);
        stream.expires_after(o.timeout);
        stream.connect(boost::asio::ip::tcp::resolver(io).resolve(address->host, std::to_string(address->port)));
        http::request<http::string_body> req(http::verb::post, target, 11);
        req.set(http::field::host, std::string(authority));
        req.set(http::field::content_type, "application/json");
        req.set(http::field::connection, "close");
        req.body() = std::string(request);
        req.prepare_payload();
        http::write(stream, req);
        boost::beast::flat_buffer buffer;
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        if (res.result() == http::status::accepted) return {};
        if (res.result() != http::status::ok)
            throw failure(o.url + " answered HTTP " + std::to_string(res.result_int()));
        return std::move(res.body());
    } catch (boost::system::system_error const& e) {
        throw failure(o.url + ": " + e.code().message());
    }
}

/** A daemon reached over one transport. `call` builds the request as python-opensips does and returns the
    result; a JSON-RPC error is thrown as mi::error, a transport failure as mi::client::failure. */
class connection {
public:
    using target = std::variant<fifo_options, datagram_options, http_options>;
    explicit connection(target t) : target_(std::move(t)) {}

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
