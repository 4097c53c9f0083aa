// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// The FIFO server's options. Part of <mi/transport/fifo.hpp>.

#include <mi/context.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace mi::fifo {

/** Configuration of a FIFO server; the defaults are OpenSIPS's mi_fifo defaults. */
struct options {
    std::string path = "/tmp/opensips_fifo"; ///< the request FIFO, created at start and removed at stop
    unsigned mode = 0660;                    ///< its permissions; 0 is refused and becomes 0600, as in OpenSIPS
    std::optional<std::string> user;         ///< its owner, by name (which also sets the group) or number
    std::optional<std::string> group;        ///< its group, by name or number
    std::string reply_dir = "/tmp/";         ///< where reply FIFOs live; the reply name is appended literally
    std::size_t max_request = 65536;         ///< bytes an unfinished request may occupy before it is given up
    /// How long without traffic before the FIFO file is checked (and re-created if removed or replaced).
    std::chrono::milliseconds check_interval{30000};
    /// How long a reader may take to drain one answer before the server closes its reply FIFO.
    std::chrono::milliseconds reply_timeout{10000};
    /// How long an asynchronous command may take to give its final answer; then the client gets the failed
    /// answer and the request stops counting against `max_pending` (a later answer is dropped).
    std::chrono::milliseconds async_timeout{240000};
    /// Requests whose answers are still to be written (asynchronous commands, slow readers); one more is
    /// answered at once with a JSON-RPC "Server busy" error, if its reply FIFO is ready, and not run.
    std::size_t max_pending = 1024;
    /// After requests were answered, keep reading the FIFO this long for the next one before sleeping in the
    /// io_context: a client that writes its next request within that time is served without the server
    /// being woken. The thread spins meanwhile. Zero, the default, never spins.
    std::chrono::microseconds busy_poll{0};
    permission granted = permission::admin; ///< what calls through this FIFO may do
    limit_hook on_limit;                    ///< told of each limit hit ("request" for max_request, "queue")
};

} // namespace mi::fifo
