// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// What every part of one HTTP server shares: options, endpoints, the dispatcher, the connections, the stop flag.
// Part of <mi/transport/http.hpp>.

#include <mi/context.hpp>
#include <mi/transport/detail/http/cors.hpp>
#include <mi/transport/detail/http/endpoint.hpp>
#include <mi/transport/detail/http/gatekeeper.hpp>
#include <mi/transport/detail/http/options.hpp>
#include <mi/transport/detail/identity.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

namespace mi::http {

namespace detail {

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

    hub(boost::asio::any_io_executor executor, Layer layer, Dispatcher const& dispatcher, options o, Extra... extra)
        : executor_(std::move(executor)), layer_(std::move(layer)), dispatcher_(dispatcher), options_(std::move(o)),
          endpoints_(json_rpc(options_.root), std::move(extra)...),
          gate_(options_.access, options_.granted), cors_(options_.allowed_origins) {}

    Layer const& layer() const noexcept { return layer_; }
    options const& settings() const noexcept { return options_; }
    endpoints<Extra...> const& routes() const noexcept { return endpoints_; }
    gatekeeper const& gate() const noexcept { return gate_; }
    detail::cors const& cors() const noexcept { return cors_; }

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
    boost::asio::any_io_executor const executor_;
    Layer layer_;
    Dispatcher const& dispatcher_;
    options options_;
    endpoints<Extra...> endpoints_;
    gatekeeper gate_;
    detail::cors cors_;
    mi::transport::detail::identity const identity_{"http", options_.granted, &options_.on_limit, &executor_,
                                                    options_.async_timeout};
    mutable std::mutex mutex_;
    std::condition_variable idle_;
    std::vector<std::weak_ptr<connection>> connections_;
    std::atomic<std::size_t> refusing_{0};
    std::size_t dispatching_ = 0;
    bool stopped_ = false;
};

} // namespace detail

} // namespace mi::http
