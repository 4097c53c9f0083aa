// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <mi/context.hpp>

#include <chrono>
#include <functional>
#include <string_view>

namespace mi {

/** One call, as an audit hook sees it. The views are valid while the hook runs. */
struct call_record {
    context const& caller;             ///< transport, peer and granted permission
    std::string_view method;           ///< as requested
    std::string_view params;           ///< the params as JSON text, empty when there were none (or not `detailed`)
    int error = 0;                     ///< 0 when answered with a result, else the JSON-RPC error code answered
    std::chrono::nanoseconds duration; ///< from the call's start to its final answer (zero when not `detailed`)
};

/** What a dispatcher tells its owner. Both are optional, called on the thread that answers, and must be
    thread-safe; what they throw is ignored. */
struct observer {
    /// Every call that names a method, once its final answer is made (an asynchronous one's included), and
    /// whatever the outcome: unknown methods, refused parameters, denied permissions, handler errors.
    std::function<void(call_record const&)> on_call;
    limit_hook on_limit; ///< each request that meets one of the `limits`
    /// Whether records carry `params` and `duration`. Filling them re-serializes every call's params and reads
    /// the clock twice; a hook that only counts outcomes does without and costs next to nothing.
    bool detailed = true;
};

} // namespace mi
