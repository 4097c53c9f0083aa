// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// OpenSIPS's event_stream: event notifications to `tcp:HOST:PORT[/method]` subscribers over one persistent
// connection each, written back to back; optionally its reliable mode, where each event is a request whose
// reply is awaited.

#include <mi/events.hpp>
#include <mi/transport/detail/events/delivery.hpp>
#include <mi/transport/framing.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mi::event_stream {

struct options {
    std::size_t queue_limit = 1024;                   ///< notifications waiting for one subscriber; more are dropped
    std::chrono::milliseconds first_retry{100};       ///< after a failed connection; doubled each time
    std::chrono::milliseconds longest_retry{5000};    ///< up to this
    bool reliable = false;                            ///< OpenSIPS's reliable_mode: each event awaits its reply
    std::chrono::milliseconds reply_timeout{1000};    ///< in reliable mode (OpenSIPS's `timeout`)
};

namespace detail {

// One subscriber: its connection, its queue, and a strand on which everything but `deliver` runs.
class sink final : public event_sink, public std::enable_shared_from_this<sink> {
    using tcp = boost::asio::ip::tcp;
    using error_code = boost::system::error_code;

public:
    sink(boost::asio::io_context& io, tcp::endpoint to, std::string socket, std::string method, options o,
         event_drop_hook on_drop)
        : strand_(boost::asio::make_strand(io)), socket_(strand_), timer_(strand_), to_(to),
          method_(std::move(method)), options_(o), retry_(o.first_retry), losses_(std::move(socket), std::move(on_drop)) {}

    void deliver(notification const& n) noexcept override {
        try {
            std::lock_guard lock(mutex_);
            if (queue_.size() >= options_.queue_limit) return drop(n, "queue");
            queue_.push_back(n);
            if (busy_) return;
            busy_ = true;
            boost::asio::post(strand_, [self = shared_from_this()] { self->pump(); });
        } catch (...) {
            drop(n, "memory");
        }
    }

    std::uint64_t dropped() const noexcept override { return losses_.count(); }

    // The subscription ended: the connection closes, retries stop, what is queued goes.
    void close() noexcept override {
        try {
            boost::asio::post(strand_, [self = shared_from_this()] {
                self->closed_ = true;
                error_code ignored;
                self->timer_.cancel();
                self->socket_.close(ignored);
            });
        } catch (...) {
        }
    }

private:
    // On the strand from here on.
    void pump() {
        if (closed_) return;
        if (!connected_) return connect();
        {
            std::lock_guard lock(mutex_);
            if (queue_.empty()) {
                busy_ = false;
                return;
            }
        }
        if (options_.reliable) request();
        else write_queued();
    }

    void connect() {
        if (closed_) return;
        error_code ignored;
        socket_.close(ignored);
        socket_.async_connect(to_, [self = shared_from_this()](error_code ec) {
            if (self->closed_) return;
            if (ec) return self->retry_later();
            self->connected_ = true;
            self->retry_ = self->options_.first_retry;
            self->received_.clear();
            self->read();
            self->pump();
        });
    }

    void retry_later() {
        timer_.expires_after(retry_);
        retry_ = std::min(retry_ * 2, options_.longest_retry);
        timer_.async_wait([self = shared_from_this()](error_code ec) {
            if (!ec) self->connect();
        });
    }

    // What is queued, up to 64 KiB, in one write: notifications go back to back anyway, and a write each would
    // be a system call each.
    void write_queued() {
        batch_.clear();
        std::size_t bytes = 0;
        {
            std::lock_guard lock(mutex_);
            for (auto const& n : queue_) {
                if (!batch_.empty() && bytes + n.text->size() > 65536) break;
                batch_.push_back(method_.empty() ? n.text : std::make_shared<std::string const>(n.with_method(method_)));
                bytes += batch_.back()->size();
            }
        }
        buffers_.clear();
        for (auto const& text : batch_) buffers_.emplace_back(text->data(), text->size());
        boost::asio::async_write(socket_, buffers_, [self = shared_from_this()](error_code ec, std::size_t) {
            if (ec) return self->lost(); // kept queued: sent again once connected
            self->sent(self->batch_.size());
        });
    }

    // Reliable mode: the head of the queue as a request with an id, then its reply awaited.
    void request() {
        notification const* head = nullptr;
        {
            std::lock_guard lock(mutex_);
            head = &queue_.front(); // stays where it is: only this strand pops
        }
        auto text = std::make_shared<std::string>(method_.empty() ? *head->text : head->with_method(method_));
        awaited_ = ids_();
        text->pop_back(); // the closing brace: the request gets its id
        text->append(",\"id\":").append(std::to_string(awaited_)).append(1, '}');
        boost::asio::async_write(socket_, boost::asio::buffer(*text), [self = shared_from_this(), text](error_code ec, std::size_t) {
            if (ec) return self->lost(); // kept at the queue's head: sent again once connected
            self->waiting_ = true;
            self->timer_.expires_after(self->options_.reply_timeout);
            self->timer_.async_wait([self](error_code timer) {
                if (timer || !self->waiting_) return;
                self->waiting_ = false;
                self->failed("timeout");
            });
        });
    }

    // The first `count` of the queue were delivered; on to the next.
    void sent(std::size_t count = 1) {
        {
            std::lock_guard lock(mutex_);
            queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
        }
        pump();
    }

    // The head of the queue was refused or not answered in time: counted, then the next.
    void failed(std::string_view why) {
        notification head;
        {
            std::lock_guard lock(mutex_);
            head = std::move(queue_.front());
            queue_.pop_front();
        }
        drop(head, why);
        pump();
    }

    // The connection dropped: what is queued is kept (within the bound) and sent once connected again, with
    // backoff; with nothing queued, the next notification connects.
    void lost() {
        if (!connected_ || closed_) return;
        connected_ = false;
        if (waiting_) waiting_ = false, timer_.cancel();
        error_code ignored;
        socket_.close(ignored);
        {
            std::lock_guard lock(mutex_);
            if (queue_.empty()) {
                busy_ = false;
                return;
            }
        }
        retry_later();
    }

    // Always reading while connected: a peer that closes is noticed at once, and in reliable mode the replies.
    void read() {
        socket_.async_read_some(boost::asio::buffer(chunk_), [self = shared_from_this()](error_code ec, std::size_t n) {
            if (ec) return self->lost();
            if (self->options_.reliable) self->received_.append(self->chunk_.data(), n);
            self->replies();
            self->read();
        });
    }

    void replies() {
        while (!received_.empty()) {
            auto const scan = scan_json(received_);
            if (scan.status == json_scan::state::incomplete) return;
            if (scan.status == json_scan::state::invalid) {
                received_.clear();
                return lost();
            }
            error_code ec;
            auto const reply = boost::json::parse(std::string_view(received_).substr(0, scan.length), ec);
            received_.erase(0, scan.length);
            auto const* o = ec ? nullptr : reply.if_object();
            auto const* id = o ? o->if_contains("id") : nullptr;
            if (!waiting_ || !id || !id->is_number() || id->to_number<std::int64_t>() != awaited_) continue;
            waiting_ = false;
            timer_.cancel();
            if (o->contains("error")) failed("refused");
            else sent();
        }
    }

    void drop(notification const& n, std::string_view why) noexcept { losses_.drop(n, why); }

    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    tcp::socket socket_;
    boost::asio::steady_timer timer_; // the retry's, or the reply's in reliable mode
    tcp::endpoint to_;
    std::string method_;
    options options_;
    std::chrono::milliseconds retry_;
    transport::detail::losses losses_;
    std::mutex mutex_; // the queue and busy_, which deliver shares with the strand
    std::deque<notification> queue_;
    bool busy_ = false;
    bool connected_ = false;
    bool closed_ = false;
    bool waiting_ = false;
    std::int64_t awaited_ = 0;
    std::mt19937 ids_{std::random_device{}()};
    std::vector<std::shared_ptr<std::string const>> batch_; // being written
    std::vector<boost::asio::const_buffer> buffers_;         // of batch_
    std::array<char, 4096> chunk_;
    std::string received_;
};

} // namespace detail

/** Takes `tcp:HOST:PORT[/method]` sockets (HOST an IP address or localhost): one connection per subscriber,
    made when its first notification comes and made again, with backoff, whenever it drops; notifications
    written back to back, under `method` when the socket names one. `io` must outlive the hub.
    `events.hub().deliver_with(std::make_shared<mi::event_stream::delivery>(io, events.hub()))`. */
class delivery final : public event_delivery {
public:
    delivery(boost::asio::io_context& io, event_hub const& hub, options o = {})
        : io_(io), on_drop_(hub.drop_hook()), options_(o) {}

    std::shared_ptr<event_sink> open(std::string_view socket) override {
        if (!socket.starts_with("tcp:")) return nullptr;
        std::string_view where = socket.substr(4);
        std::string method;
        if (auto const slash = where.find('/'); slash != std::string_view::npos) {
            method = where.substr(slash + 1);
            where = where.substr(0, slash);
            if (method.empty()) throw std::invalid_argument("mi::event_stream: an empty /method");
        }
        auto const to = transport::detail::subscriber_endpoint<boost::asio::ip::tcp::endpoint>(where, "event_stream");
        return std::make_shared<detail::sink>(io_, to, std::string(socket), std::move(method), options_, on_drop_);
    }

private:
    boost::asio::io_context& io_;
    event_drop_hook on_drop_;
    options options_;
};

} // namespace mi::event_stream
