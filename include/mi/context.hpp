// Copyright (c) 2026 the mi authors. Distributed under the Boost Software License, Version 1.0.
// SPDX-License-Identifier: BSL-1.0
#pragma once

#include <string_view>

namespace mi {

/** Who is calling. A handler that declares a parameter `mi::context const&` receives it; it is not a JSON
    parameter. Transports fill it in; the views stay valid for the duration of the call only. */
struct context {
    std::string_view transport = "inproc"; ///< "http", "fifo", "datagram", ... or "inproc"
    std::string_view peer;                 ///< the peer's address as the transport spells it, if any
};

} // namespace mi
