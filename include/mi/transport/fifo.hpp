// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
//
// The mi_fifo transport (spec 6.1): requests written into a named pipe as `:REPLY_NAME:{json}`, each answer
// written into the client's own reply FIFO, then that FIFO closed. POSIX only.
#pragma once

#include <mi/transport/async_dispatcher.hpp>
#include <mi/transport/detail/fifo/options.hpp>
#include <mi/transport/detail/fifo/server.hpp>

#include <boost/asio/io_context.hpp>

#include <memory>
#include <utility>

namespace mi::fifo {

/** Serves a dispatcher over a FIFO, as OpenSIPS's mi_fifo does (spec 6.1), on the caller's io_context.

    Clients write `:REPLY_NAME:{json}` into the request FIFO (`options::path`); several such frames may come in
    one write, and `::{json}` runs a command without a reply. Each answer is written compactly into
    `options::reply_dir` + REPLY_NAME, which the client created with mkfifo, then that FIFO is closed; an
    asynchronous command's provisional and final answers are each such a cycle. Handlers see
    `mi::context{"fifo", REPLY_NAME}`.

    Unlike OpenSIPS, a request that is not JSON but names its reply FIFO is answered -32700 instead of leaving
    the client waiting, and requests may be longer than 4096 bytes (up to `options::max_request`).

    Any number of threads may run the io_context. The dispatcher must outlive the server.

    @tparam Dispatcher an `mi::dispatcher`, or anything with its `async_call`. */
template <mi::transport::async_dispatcher Dispatcher>
class server {
public:
    /** @param io the io_context the server's I/O runs on
        @param dispatcher answers requests; kept by reference
        @param o where the FIFO is, its permissions and owner, and the server's limits */
    server(boost::asio::io_context& io, Dispatcher const& dispatcher, options o = {})
        : impl_(std::make_shared<detail::fifo_server<Dispatcher>>(io, dispatcher, std::move(o))) {}

    server(server const&) = delete;
    server& operator=(server const&) = delete;

    /** Stops the server (see `stop`). */
    ~server() { stop(); }

    /** Creates the request FIFO (removing a FIFO or socket left at its path; anything else there is an error)
        with its mode and owner, and starts reading it.
        @par Exception Safety Strong: throws `std::system_error` if the FIFO cannot be created, opened or
        given its owner, `std::logic_error` if called twice. */
    void start() { impl_->start(); }

    /** Closes the FIFO and every open reply FIFO, and removes the FIFO file it created. Answers still to come
        are dropped. Safe from any thread, including from a command; a stopped server cannot be restarted. */
    void stop() noexcept { impl_->stop(); }

private:
    std::shared_ptr<detail::fifo_server<Dispatcher>> impl_;
};

} // namespace mi::fifo
