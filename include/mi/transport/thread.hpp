// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <thread>
#include <vector>

namespace mi::transport {

/** An io_context with threads of its own, for a daemon that has no event loop to share: construct a
    transport on `context()`, start it, and the transport runs until this object is destroyed (or `stop()`).

        mi::transport::background loop;
        mi::http::server http(loop.context(), dispatcher);
        http.start(); */
class background {
public:
    explicit background(std::size_t threads = 1) : work_(boost::asio::make_work_guard(context_)) {
        threads_.reserve(threads);
        for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { context_.run(); });
    }
    background(background const&) = delete;
    background& operator=(background const&) = delete;
    ~background() { stop(); }

    boost::asio::io_context& context() noexcept { return context_; }

    /** Stops the loop and joins its threads; handlers still queued are dropped. */
    void stop() {
        work_.reset();
        context_.stop();
        for (auto& t : threads_)
            if (t.joinable()) t.join();
    }

private:
    boost::asio::io_context context_;
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::vector<std::thread> threads_;
};

} // namespace mi::transport
