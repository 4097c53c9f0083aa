// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// One HTTP connection: read a request, answer it, repeat while kept alive. Part of <mi/transport/http.hpp>.

#include <mi/answer.hpp>
#include <mi/context.hpp>
#include <mi/transport/address.hpp>
#include <mi/transport/detail/final_answer.hpp>
#include <mi/transport/detail/moving_deadline.hpp>
#include <mi/transport/detail/http/endpoint.hpp>
#include <mi/transport/detail/http/gatekeeper.hpp>
#include <mi/transport/detail/http/hub.hpp>
#include <mi/transport/detail/http/options.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mi::http {

namespace detail {

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
          deadline_(executor_), answer_(executor_) {
        error_code ec;
        auto const peer = lowest().remote_endpoint(ec);
        if (!ec) peer_ = mi::transport::text_of(peer);
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
            self->send({beast_http::status::service_unavailable, {}, {}}, false, true);
        });
    }

    ~session() {
        if (refusing_) hub_->refused();
    }

private:
    options const& settings() const noexcept { return hub_->settings(); }

    void arm(std::chrono::milliseconds timeout) {
        deadline_.arm(timeout, [this] { return [self = this->shared_from_this()] { self->on_deadline(); }; });
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
            deadline_.clear();
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
            send({answer, {}, {}}, false, true);
        };
        if (timed_out_) return refuse("timeout", status::request_timeout);
        if (ec == beast_http::error::body_limit) return refuse("body", status::payload_too_large);
        if (ec == beast_http::error::header_limit) return refuse("header", status::request_header_fields_too_large);
        if (ec.category() == make_error_code(beast_http::error::end_of_stream).category() &&
            ec != beast_http::error::end_of_stream && ec != beast_http::error::partial_message)
            return send({status::bad_request, {}, {}}, false, true); // malformed
        close();                                                   // the peer went away
    }

    request_view view() const {
        auto const& request = parser_->get();
        return {request.method(),
                request.target(),
                request[beast_http::field::content_type],
                request.body(),
                request[beast_http::field::accept],
                granted_,
                hub_->cors().admits(request[beast_http::field::origin]),
                &request.base()};
    }

    void on_request() {
        keep_alive_ = parser_->get().keep_alive();
        if (++served_ >= settings().max_requests_per_connection && keep_alive_) {
            keep_alive_ = false; // this response closes the connection; the client opens another
            hit("requests_per_connection");
        }
        auto const& request_fields = parser_->get();
        if (request_fields.method() == beast_http::verb::options && hub_->cors().enabled() &&
            request_fields.count(beast_http::field::access_control_request_method) != 0)
            // a browser asks before a cross-origin call, without credentials: answered before they are checked
            return send(hub_->cors().preflight(request_fields.base(), request_fields.target(), hub_->routes()), false,
                        false);
        auto const& gate = hub_->gate();
        auto const granted = gate.admits(request_fields[beast_http::field::authorization]);
        if (!granted) {
            // httpd's check comes first, for every request: nothing about the server is told before it
            reply refusal{beast_http::status::unauthorized, html_type, std::string(unauthorized_page)};
            for (auto const& c : gate.challenges()) refusal.headers.emplace_back("WWW-Authenticate", c);
            return send(std::move(refusal), false, false);
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
        phase_ = phase::writing;
        arm(settings().read_timeout);
        response_ = {};
        response_.version(version_);
        response_.result(r.status);
        if (!r.content_type.empty()) response_.set(beast_http::field::content_type, r.content_type);
        std::vector<std::string_view> names;
        for (auto const& [name, value] : r.headers) {
            response_.insert(name, value);
            names.push_back(name);
        }
        if (parser_) hub_->cors().expose(parser_->get()[beast_http::field::origin], response_.base(), names);
        response_.body() = std::move(r.body);
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
        deadline_.cancel(); // its pending wait must not keep this session alive until it would expire
        answer_.cancel();
        error_code ec;
        lowest().shutdown(tcp::socket::shutdown_both, ec);
        lowest().close(ec);
    }

    std::shared_ptr<Hub> hub_;
    typename Hub::layer_type::stream_type stream_;
    tcp::socket::executor_type const executor_; // the strand; a copy, read by hub::deliver from other threads
    boost::beast::flat_buffer buffer_;
    std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
    beast_http::response<beast_http::string_body> response_;
    std::string peer_;
    std::string scratch_;       // a translated request (XML-RPC, HTML) while it is dispatched
    std::size_t endpoint_ = 0;  // the endpoint that routed the request being answered
    std::array<char, 4096> discard_;
    phase phase_ = phase::idle;
    mi::transport::detail::moving_deadline deadline_; // of the phase the connection is in
    mi::transport::detail::final_answer_wait answer_; // for the dispatched request's final answer
    std::size_t served_ = 0;     // requests read on this connection
    permission granted_ = permission::admin; // what the request being answered may do, from its credentials
    bool refusing_ = false;      // told 503 because the server is full
    unsigned version_ = 11;
    bool keep_alive_ = false;
    bool timed_out_ = false;
};

} // namespace detail

} // namespace mi::http
