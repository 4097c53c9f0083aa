// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

// What a dispatcher hands a transport: the vocabulary every transport speaks, without the JSON machinery behind it.

#include <mi/error.hpp>

#include <string_view>

namespace mi {

/** What an answer delivered through `dispatcher::async_call` is. */
enum class answer_kind {
    provisional, ///< more answers follow (OpenSIPS's done=0): FIFO and datagram clients receive them, HTTP waits
    final,       ///< the last answer; empty text means there is nothing to send (a notification)
    failed,      ///< the command could not answer; the transport sends its internal-error reply
};

/** One answer of a call: the response bytes, their kind, and the JSON-RPC error code they carry (0 for a result;
    -32603 for a failed answer, which has no text). The text is valid while the transport's completion runs. */
struct answer {
    std::string_view text;
    answer_kind kind = answer_kind::final;
    int error = 0;
};

/** The error code a failed answer stands for. */
inline constexpr int failed_error = static_cast<int>(errc::internal_error);

} // namespace mi
