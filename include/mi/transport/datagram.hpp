// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The mi_datagram transport (spec 6.2): one datagram in is one request, each answer is one datagram back to
// the sender. UDP (IPv4 and IPv6) or a UNIX datagram socket. POSIX only.
#pragma once

#include <mi/answer.hpp>
#include <mi/context.hpp>
#include <mi/transport/framing.hpp>
#include <mi/transport/address.hpp>
#include <mi/transport/async_dispatcher.hpp>
#include <mi/transport/detail/admission.hpp>
#include <mi/transport/detail/busy_poll.hpp>
#include <mi/transport/detail/final_answer.hpp>
#include <mi/transport/detail/identity.hpp>
#include <mi/transport/detail/unix_files.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/system_error.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mi::datagram {

/** Configuration of a datagram server; the defaults are OpenSIPS's mi_datagram defaults. */
struct options {
    /// `udp:HOST:PORT` (an IPv4 address, an IPv6 address bare or in brackets, or a host name; port 0 picks a
    /// free one) or the path of a UNIX datagram socket.
    std::string socket = "udp:127.0.0.1:8080";
    unsigned mode = 0660;            ///< the UNIX socket file's permissions; 0 is refused and becomes 0600
    std::optional<std::string> user; ///< its owner, by name (which also sets the group) or number
    std::optional<std::string> group; ///< its group, by name or number
    /// The largest datagram received; an answer longer than buffer_size - 1 is sent as `500 Internal error`.
    std::size_t buffer_size = 65457;
    /// Requests being answered at once (asynchronous commands waiting, other threads' calls); one more is
    /// answered `500 Internal error` at once.
    std::size_t max_pending = 1024;
    /// How long an asynchronous command may take to give its final answer; then `500 Internal error` is
    /// sent, the request stops counting against `max_pending`, and a later answer is dropped.
    std::chrono::milliseconds async_timeout{240000};
    /// After each answer, keep polling the socket this long for the next datagram before sleeping in the
    /// io_context. A client that sends its next request within that time is then served without the server
    /// being woken, which saves most of a round trip on loopback. The thread spins meanwhile: between
    /// datagrams, and for this long after the last one. Zero, the default, never spins.
    std::chrono::microseconds busy_poll{0};
    permission granted = permission::admin; ///< what calls over this socket may do
    limit_hook on_limit;                    ///< told of each limit hit: "queue" (`max_pending`), "timeout"
};

namespace detail {

using mi::transport::detail::file_id;

// The plain-text (not JSON) replies of spec 6.2.
inline constexpr std::string_view parse_error_text = "400 Parse_error";
inline constexpr std::string_view internal_error_text = "500 Internal error";

/** Spec 6.2's rule for what a datagram is: a JSON text whole, or else it is answered `parse_error_text`. */
inline bool is_request(std::string_view datagram) { return scan_json(datagram).status == json_scan::state::complete; }

/** The datagram an answer goes back as: none for a notification; `internal_error_text` for a failed answer
    or one longer than `buffer_size - 1` bytes (spec 6.2), never a truncated one. */
inline std::optional<std::string_view> reply_to(answer const& a, std::size_t buffer_size) noexcept {
    if (a.kind == answer_kind::final && a.text.empty()) return std::nullopt;
    if (a.kind == answer_kind::failed || a.text.size() >= buffer_size) return internal_error_text;
    return a.text;
}

// "udp:HOST:PORT"; nullopt when `socket` is a UNIX socket path.
inline std::optional<mi::transport::host_port> parse_udp(std::string_view socket) {
    if (!socket.starts_with("udp:")) return std::nullopt;
    if (auto address = mi::transport::parse_host_port(socket.substr(4))) return address;
    throw std::invalid_argument("mi::datagram: bad socket '" + std::string(socket) + "', expected udp:HOST:PORT");
}

inline boost::asio::ip::udp::endpoint resolve(boost::asio::io_context& io, mi::transport::host_port const& a) {
    boost::system::error_code ec;
    if (auto const address = boost::asio::ip::make_address(a.host, ec); !ec) return {address, a.port};
    boost::asio::ip::udp::resolver resolver(io);
    auto const found = resolver.resolve(a.host, std::to_string(a.port), ec);
    if (!ec && found.empty()) ec = boost::asio::error::host_not_found;
    if (ec) throw boost::system::system_error(ec, "mi::datagram: " + a.host);
    return *found.begin();
}

// How a peer appears in mi::context: "1.2.3.4:5060", "[::1]:5060", or a UNIX socket's path.
inline std::string describe(boost::asio::ip::udp::endpoint const& peer) { return mi::transport::text_of(peer); }
inline std::string describe(boost::asio::local::datagram_protocol::endpoint const& peer) { return peer.path(); }

inline bool addressable(boost::asio::ip::udp::endpoint const&) { return true; }
// A UNIX client that did not bind a path cannot be answered (spec 6.2); the command still runs.
inline bool addressable(boost::asio::local::datagram_protocol::endpoint const& peer) { return !peer.path().empty(); }

// The state of one server on one socket. Handlers run on any thread of the io_context; one mutex guards the
// socket and is never held while a command runs, so commands of different datagrams run in parallel.
template <class Protocol, class Dispatcher>
class datagram_server : public std::enable_shared_from_this<datagram_server<Protocol, Dispatcher>> {
public:
    using endpoint_type = typename Protocol::endpoint;

    datagram_server(boost::asio::io_context& io, Dispatcher const& dispatcher, options o)
        : dispatcher_(dispatcher), options_(std::move(o)), executor_(io.get_executor()), socket_(io), buffer_(std::max<std::size_t>(options_.buffer_size, 1)) {}

    void start(endpoint_type const& local) {
        std::lock_guard lock(mutex_);
        if constexpr (std::is_same_v<Protocol, boost::asio::local::datagram_protocol>) bind_file(local);
        else {
            socket_.open(local.protocol());
            socket_.bind(local);
        }
        socket_.non_blocking(true); // a reply that would block is dropped, as a datagram may be
        local_ = socket_.local_endpoint();
        running_ = true;
        receive();
    }

    void stop() noexcept {
        std::lock_guard lock(mutex_);
        if (!std::exchange(running_, false)) return;
        boost::system::error_code ignored;
        socket_.close(ignored); // the pending receive completes with operation_aborted
        for (auto const& call : deferred_) call->wait.cancel();
        deferred_.clear();
        if constexpr (std::is_same_v<Protocol, boost::asio::local::datagram_protocol>)
            if (file_) mi::transport::detail::remove_if_ours(local_.path(), *file_);
    }

    endpoint_type local_endpoint() const { return local_; }

private:
    using lock_type = std::unique_lock<std::mutex>;

    // The UNIX socket file: a stale socket or FIFO removed first (nothing else), created 0600 whatever the
    // umask (Linux gives the file the mode of the unbound socket), then given its owner and mode.
    void bind_file(endpoint_type const& local) {
        using mi::transport::detail::throw_errno;
        auto const owner = mi::transport::detail::resolve_owner(options_.user, options_.group, "mi::datagram");
        std::string const path = local.path();
        mi::transport::detail::remove_stale(path, "mi::datagram");
        socket_.open();
        ::fchmod(socket_.native_handle(), 0600);
        socket_.bind(local);
        struct stat st{};
        try {
            if (::lstat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode))
                throw_errno(EEXIST, "mi::datagram: " + path + " was replaced while being created");
            file_ = mi::transport::detail::id_of(st);
            if (owner.any() && ::fchownat(AT_FDCWD, path.c_str(), owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW) != 0)
                throw_errno(errno, "mi::datagram: chown " + path);
            // a socket file has no descriptor to fchmod: check that the path still names ours, and never follow a
            // symlink put there since
            if (::lstat(path.c_str(), &st) != 0 || mi::transport::detail::id_of(st) != *file_)
                throw_errno(EEXIST, "mi::datagram: " + path + " was replaced while being created");
            if (::fchmodat(AT_FDCWD, path.c_str(), mi::transport::detail::effective_mode(options_.mode),
                           AT_SYMLINK_NOFOLLOW) != 0)
                throw_errno(errno, "mi::datagram: chmod " + path);
        } catch (...) {
            boost::system::error_code ignored;
            socket_.close(ignored);
            if (file_) mi::transport::detail::remove_if_ours(path, *file_);
            file_.reset();
            throw;
        }
    }

    void receive() {
        socket_.async_receive_from(boost::asio::buffer(buffer_), peer_,
                                   [self = this->shared_from_this()](boost::system::error_code ec, std::size_t n) {
                                       self->on_receive(ec, n);
                                   });
    }

    void rearm() {
        std::lock_guard lock(mutex_);
        if (running_) receive();
    }

    void on_receive(boost::system::error_code ec, std::size_t n) {
        lock_type lock(mutex_);
        if (!running_ || ec == boost::asio::error::operation_aborted) return;
        serve(lock, ec, n);
    }

    // The datagram just received into buffer_ and peer_ (or its error), with the mutex held. Errors are per
    // datagram here (an ICMP "port unreachable" from an earlier reply, say): the socket keeps serving.
    void serve(lock_type& lock, boost::system::error_code ec, std::size_t n) {
        std::string text;
        endpoint_type const peer = peer_;
        if (!ec) text.assign(buffer_.data(), n);
        bool const polls = options_.busy_poll.count() > 0;
        // The next datagram may be taken by another thread while this one runs. Posted, so that a lone thread
        // sends this answer before it tries the socket again.
        if (!polls) boost::asio::post(socket_.get_executor(), [self = this->shared_from_this()] { self->rearm(); });
        lock.unlock();
        if (!ec && !text.empty()) handle(text, peer); // empty datagrams are ignored (spec 6.2)
        if (polls) poll_for_next(std::chrono::steady_clock::now() + options_.busy_poll);
    }

    // Busy polling: the socket is read without the reactor, which is re-armed once the window passes.
    void poll_for_next(std::chrono::steady_clock::time_point until) {
        auto self = this->shared_from_this();
        auto turn = [self] {
            using mi::transport::detail::poll_turn;
            lock_type lock(self->mutex_);
            if (!self->running_) return poll_turn::done;
            boost::system::error_code ec;
            std::size_t const n = self->socket_.receive_from(boost::asio::buffer(self->buffer_), self->peer_, 0, ec);
            if (ec == boost::asio::error::would_block) return poll_turn::nothing;
            self->serve(lock, ec, n);
            return poll_turn::served;
        };
        mi::transport::detail::busy_poll(socket_.get_executor(), until, std::move(turn), [self] { self->rearm(); });
    }

    // One request until its final answer, or its deadline, or the server's stop.
    struct pending_call {
        pending_call(typename Protocol::socket::executor_type const& executor, std::string peer,
                     mi::transport::detail::admission::ticket place)
            : wait(executor), peer(std::move(peer)), place(std::move(place)) {}
        mi::transport::detail::final_answer_wait wait;
        std::string peer;
        mi::transport::detail::admission::ticket place; // given back by whichever of answer and deadline ends the call
        std::atomic<bool> registered{false};            // in deferred_, where stop() finds it
    };
    using call_ptr = std::shared_ptr<pending_call>;
    using ticket = mi::transport::detail::final_answer_wait::ticket;

    void handle(std::string const& text, endpoint_type const& peer) {
        // Spec 6.2: text that is not JSON gets the plain-text 400, not the dispatcher's -32700.
        if (!is_request(text)) return send(peer, parse_error_text);
        std::string name = describe(peer);
        auto place = admission_.admit();
        if (!place) {
            identity_.hit("queue", name);
            return send(peer, internal_error_text);
        }
        auto const call = std::make_shared<pending_call>(socket_.get_executor(), std::move(name), std::move(*place));
        auto const t = call->wait.begin();
        dispatcher_.async_call(text, identity_.caller(call->peer), [self = this->shared_from_this(), peer, call, t](answer const& a) {
            self->on_answer(peer, *call, t, a);
        });
        await_final_answer(peer, call, t);
    }

    // Most calls have answered by now. The others are registered for stop(), then given their deadline; an answer
    // that comes meanwhile finds them registered, or leaves them to be forgotten here.
    void await_final_answer(endpoint_type const& peer, call_ptr const& call, ticket t) {
        if (!call->wait.waiting(t)) return;
        {
            std::lock_guard lock(mutex_);
            if (!running_) return;
            deferred_.insert(call);
        }
        call->registered = true;
        if (!call->wait.waiting(t)) return forget(*call);
        call->wait.expire_after(t, options_.async_timeout, [self = this->shared_from_this(), peer, call] {
            self->forget(*call);
            call->place.release();
            self->identity_.hit("timeout", call->peer);
            self->send(peer, internal_error_text);
        });
    }

    void forget(pending_call const& call) {
        std::lock_guard lock(mutex_);
        std::erase_if(deferred_, [&](auto const& c) { return c.get() == &call; });
    }

    // Any thread: provisional and final answers of an asynchronous command each become one datagram.
    void on_answer(endpoint_type const& peer, pending_call& call, ticket t, answer const& a) {
        if (a.kind == answer_kind::provisional) {
            if (!call.wait.waiting(t)) return;
        } else {
            if (!call.wait.end(t)) return; // the deadline came first
            call.place.release();
            if (call.registered) forget(call);
        }
        if (auto const reply = reply_to(a, options_.buffer_size)) send(peer, *reply);
    }

    void send(endpoint_type const& peer, std::string_view text) {
        if (!addressable(peer)) return;
        std::lock_guard lock(mutex_);
        if (!running_) return;
        boost::system::error_code ignored; // a peer that is gone, or a full buffer: the reply is lost, as over UDP
        socket_.send_to(boost::asio::buffer(text.data(), text.size()), peer, 0, ignored);
    }

    Dispatcher const& dispatcher_;
    options const options_;
    boost::asio::any_io_executor const executor_;
    mi::transport::detail::identity const identity_{"datagram", options_.granted, &options_.on_limit, &executor_,
                                                    options_.async_timeout};
    mi::transport::detail::admission const admission_{options_.max_pending};
    std::mutex mutex_;
    std::set<call_ptr> deferred_; // calls waiting for a final answer
    bool running_ = false;
    typename Protocol::socket socket_;
    std::vector<char> buffer_;
    endpoint_type peer_;
    endpoint_type local_;
    std::optional<file_id> file_; // the UNIX socket file we created
};

} // namespace detail

/** Serves a dispatcher over UDP or a UNIX datagram socket, as OpenSIPS's mi_datagram does (spec 6.2), on the
    caller's io_context.

    Each datagram is one JSON-RPC request; each answer is one datagram sent to the request's source (a UNIX
    client must bind its socket to a path to be answered). Text that is not JSON is answered with the plain
    text `400 Parse_error`; an answer that cannot be made or is longer than `buffer_size - 1` with
    `500 Internal error`; a notification with nothing; an asynchronous command with one datagram per
    provisional and final answer. Handlers see `mi::context{"datagram", PEER}`, PEER being `1.2.3.4:5060`,
    `[::1]:5060` or the client's socket path.

    Any number of threads may run the io_context; commands of different datagrams then run in parallel. The
    dispatcher must outlive the server.

    @tparam Dispatcher an `mi::dispatcher`, or anything with its `async_call`. */
template <mi::transport::async_dispatcher Dispatcher>
class server {
public:
    /** @param io the io_context the server's I/O runs on
        @param dispatcher answers requests; kept by reference
        @param o the socket, the UNIX socket file's permissions and owner, and the buffer size */
    server(boost::asio::io_context& io, Dispatcher const& dispatcher, options o = {})
        : io_(io), dispatcher_(dispatcher), options_(std::move(o)) {}

    server(server const&) = delete;
    server& operator=(server const&) = delete;

    /** Stops the server (see `stop`). */
    ~server() { stop(); }

    /** Binds the socket and starts receiving. For a UNIX socket, a socket or FIFO left at the path is removed
        first (anything else there is an error) and the file gets its mode and owner.
        @par Exception Safety Strong: throws `std::invalid_argument` for a malformed `udp:` address,
        `std::system_error` if the socket cannot be bound or given its owner, `std::logic_error` if called
        twice. */
    void start() {
        if (udp_ || unix_) throw std::logic_error("mi::datagram::server: start() called twice");
        if (auto const address = detail::parse_udp(options_.socket)) {
            auto s = std::make_shared<detail::datagram_server<boost::asio::ip::udp, Dispatcher>>(io_, dispatcher_, options_);
            s->start(detail::resolve(io_, *address));
            udp_ = std::move(s);
        } else {
            auto s = std::make_shared<detail::datagram_server<boost::asio::local::datagram_protocol, Dispatcher>>(
                io_, dispatcher_, options_);
            s->start(boost::asio::local::datagram_protocol::endpoint(options_.socket));
            unix_ = std::move(s);
        }
    }

    /** Closes the socket and removes the UNIX socket file it created. Answers still to come are dropped. Safe
        from any thread, including from a command. */
    void stop() noexcept {
        if (udp_) udp_->stop();
        if (unix_) unix_->stop();
    }

    /** The bound UDP address (with the port the system chose for port 0); unspecified for a UNIX socket. */
    boost::asio::ip::udp::endpoint udp_endpoint() const { return udp_ ? udp_->local_endpoint() : boost::asio::ip::udp::endpoint(); }

    /** Where the server listens, as handlers see peers: `127.0.0.1:8080`, `[::1]:8080` or the socket path. */
    std::string local_address() const {
        if (udp_) return detail::describe(udp_->local_endpoint());
        if (unix_) return detail::describe(unix_->local_endpoint());
        return {};
    }

private:
    boost::asio::io_context& io_;
    Dispatcher const& dispatcher_;
    options options_;
    std::shared_ptr<detail::datagram_server<boost::asio::ip::udp, Dispatcher>> udp_;
    std::shared_ptr<detail::datagram_server<boost::asio::local::datagram_protocol, Dispatcher>> unix_;
};

} // namespace mi::datagram
