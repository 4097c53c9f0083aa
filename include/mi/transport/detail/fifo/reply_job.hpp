// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// One FIFO request that has a reply FIFO. Part of <mi/transport/fifo.hpp>.

#include <mi/error.hpp>
#include <mi/jsonrpc.hpp>
#include <mi/transport/detail/admission.hpp>
#include <mi/transport/detail/final_answer.hpp>
#include <mi/transport/detail/generation.hpp>
#include <mi/transport/detail/unix_files.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mi::fifo::detail {

// What a failed answer is written as (spec 3.5).
inline constexpr std::string_view failed_text = "failed to build response";
// The answer to a request refused because too many are pending; its id is not known, it was never parsed.
inline std::string const& busy_text() {
    static std::string const text = jsonrpc::error_response(error(errc::server_error, "Server busy"));
    return text;
}

// Its answers, written one at a time, each with its own open and close; guarded by its server's mutex.
struct reply_job {
    reply_job(boost::asio::io_context& io, std::string n, std::string p, mi::transport::detail::admission::ticket t)
        : name(std::move(n)), path(std::move(p)), place(std::move(t)), timer(io), wait(io.get_executor()) {}
    std::string name;
    std::string path;
    mi::transport::detail::admission::ticket place; // given back once the last answer is written or given up
    mi::transport::detail::unique_fd out;
    // `out` watched by the reactor, only once the reader has let the pipe fill up: most answers are
    // written whole at once, without registering the descriptor or arming the write deadline
    std::optional<boost::asio::posix::stream_descriptor> blocked;
    boost::asio::steady_timer timer;           // open retries, then the write deadline
    mi::transport::detail::final_answer_wait wait; // for the final answer, once the command is running
    mi::transport::detail::final_answer_wait::ticket call = 0;
    std::deque<std::string> pending; // answers not yet written, in order
    std::size_t written = 0;         // of pending.front()
    mi::transport::detail::generation op; // the timer's and the blocked write's current wait
    int attempts = 0;
    bool started = false;  // the command was run (before: opening the reply FIFO gates running it)
    bool writing = false;  // pending.front() is being opened or written
    bool finished = false; // the final answer (or the failed one of the deadline) is in `pending` or written
};

} // namespace mi::fifo::detail
